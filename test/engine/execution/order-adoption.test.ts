import { describe, expect, it } from 'vitest';
import { needsAdoption } from '../../../engine/execution/order-adoption.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { venueOrder } from './venue-order-fixture.ts';

const never = (): boolean => false;

describe('Function: needsAdoption', () => {
  it('adopts a working order this process neither sent nor counts yet', () => {
    expect(needsAdoption(venueOrder({ status: 'partially_filled' }), undefined, never, never)).toBe(true);
  });

  it('adopts nothing that is final, sent by this process, or already counted', () => {
    const intent = {
      intentId: 'i',
      strategyId: 's',
      symbol: 'AAPL',
      assetClass: 'us_equity',
      side: 'buy',
      qty: parseFixed('10'),
      type: 'limit',
      timeInForce: 'day',
      referencePrice: parseFixed('100'),
      purpose: 'entry',
      createdAtMs: 0,
    } as const;
    expect(needsAdoption(venueOrder({ status: 'filled' }), undefined, never, never)).toBe(false);
    expect(needsAdoption(venueOrder(), intent, never, never)).toBe(false);
    expect(needsAdoption(venueOrder(), undefined, () => true, never)).toBe(false);
  });

  it('adopts nothing from a late report of an order the engine already knows to be final', () => {
    // A partial fill delivered after a reconciliation found the order filled: adopting it would
    // leave risk counting a working buy that no report will ever end.
    const late = venueOrder({ status: 'partially_filled', filledQty: parseFixed('2') });
    expect(needsAdoption(late, undefined, never, (clientOrderId) => clientOrderId === 'client-1')).toBe(
      false,
    );
  });
});
