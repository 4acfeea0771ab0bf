import { describe, expect, it } from 'vitest';
import { positionDifferences } from '../../../engine/persistence/restart-position-check.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';

const held = (symbol: string, qty: string) => ({ symbol, qty: parseFixed(qty) });

describe('Function: positionDifferences', () => {
  it('finds nothing when the store and the broker hold the same, flat positions aside', () => {
    expect(
      positionDifferences(
        [held('AAPL', '10'), held('MSFT', '0'), held('BTC/USD', '-0.5')],
        [held('BTC/USD', '-0.5'), held('AAPL', '10')],
      ),
    ).toStrictEqual([]);
  });

  it('names each differing symbol with both quantities and the kind, by symbol', () => {
    expect(
      positionDifferences(
        [held('MSFT', '3'), held('AAPL', '7'), held('TSLA', '0'), held('NVDA', '2')],
        [held('AAPL', '10'), held('TSLA', '-4'), held('NVDA', '2')],
      ),
    ).toStrictEqual([
      { symbol: 'AAPL', kind: 'qty_differs', storedQty: parseFixed('7'), brokerQty: parseFixed('10') },
      { symbol: 'MSFT', kind: 'missing_at_broker', storedQty: parseFixed('3'), brokerQty: parseFixed('0') },
      { symbol: 'TSLA', kind: 'missing_in_store', storedQty: parseFixed('0'), brokerQty: parseFixed('-4') },
    ]);
  });

  it('tells a long from a short of the same size, and sees a difference in the ninth decimal', () => {
    expect(
      positionDifferences(
        [held('AAPL', '5'), held('BTC/USD', '0.000000001')],
        [held('AAPL', '-5'), held('BTC/USD', '0.000000002')],
      ).map(({ symbol, kind }) => [symbol, kind]),
    ).toStrictEqual([
      ['AAPL', 'qty_differs'],
      ['BTC/USD', 'qty_differs'],
    ]);
  });
});
