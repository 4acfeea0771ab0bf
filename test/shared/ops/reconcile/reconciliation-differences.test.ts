import { describe, expect, it } from 'vitest';
import { type Fixed, parseFixed } from '../../../../shared/domain/fixed.ts';
import {
  type ComparedOrder,
  type PositionsAndOrders,
  reconciliationDifferences,
} from '../../../../shared/ops/reconcile/reconciliation-differences.ts';

const view = (positions: Record<string, string>, openOrders: ComparedOrder[] = []): PositionsAndOrders => ({
  positions: new Map(Object.entries(positions).map(([symbol, qty]) => [symbol, parseFixed(qty) as Fixed])),
  openOrders,
});
const order = (clientOrderId: string, qty: string, filled = '0'): ComparedOrder => ({
  clientOrderId,
  symbol: 'AAPL',
  qty: parseFixed(qty),
  filledQty: parseFixed(filled),
});

describe('reconciliationDifferences', () => {
  it('finds nothing when the engine and the broker agree, flat symbols included', () => {
    expect(
      reconciliationDifferences(
        { store: view({ AAPL: '5', MSFT: '0' }, [order('a', '1')]) },
        view({ AAPL: '5' }, [order('a', '1')]),
      ),
    ).toEqual([]);
  });

  it('names every kind of difference', () => {
    const engine = view({ AAPL: '5', TSLA: '3' }, [order('ours', '2'), order('both', '4', '1')]);
    const broker = view({ AAPL: '7', MSFT: '-2' }, [order('theirs', '1'), order('both', '4', '2')]);
    expect(
      reconciliationDifferences({ api: engine }, broker).map(({ kind, symbol, clientOrderId }) => [
        kind,
        symbol,
        clientOrderId,
      ]),
    ).toEqual([
      ['quantity_mismatch', 'AAPL', null],
      ['missing_position', 'MSFT', null],
      ['extra_position', 'TSLA', null],
      ['order_mismatch', 'AAPL', 'both'],
      ['missing_order', 'AAPL', 'theirs'],
      ['extra_order', 'AAPL', 'ours'],
    ]);
  });

  it('reports a difference both sources show once, naming both; one only the store shows, naming the store', () => {
    const broker = view({ AAPL: '10' });
    const differences = reconciliationDifferences(
      { store: view({ AAPL: '4', MSFT: '1' }), api: view({ AAPL: '4' }) },
      broker,
    );
    expect(differences).toEqual([
      {
        kind: 'quantity_mismatch',
        symbol: 'AAPL',
        clientOrderId: null,
        engine: '4',
        broker: '10',
        sources: ['store', 'api'],
      },
      {
        kind: 'extra_position',
        symbol: 'MSFT',
        clientOrderId: null,
        engine: '1',
        broker: '0',
        sources: ['store'],
      },
    ]);
  });
});
