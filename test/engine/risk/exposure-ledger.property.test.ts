import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExposureLedger, type SymbolExposure } from '../../../engine/risk/exposure-ledger.ts';
import { type Fixed, notionalRaw } from '../../../shared/domain/fixed.ts';
import type { OrderSide } from '../../../shared/domain/order.ts';
import { PositionLedger } from '../../../shared/domain/position-ledger.ts';

const SCALE = 1_000_000_000n;

/** The worst case written out from its definition: every working buy fills, or every sell does. */
function worstCase(state: SymbolExposure, side: OrderSide, orderQty: bigint, orderRaw: bigint): bigint {
  const held = state.position.qty;
  const cost = state.positionNotionalRaw;
  const buyQty = state.workingBuyQty + (side === 'buy' ? orderQty : 0n);
  const sellQty = state.workingSellQty + (side === 'sell' ? orderQty : 0n);
  const buys = state.workingBuyRaw + (side === 'buy' ? orderRaw : 0n);
  const sells = state.workingSellRaw + (side === 'sell' ? orderRaw : 0n);
  const larger = (a: bigint, b: bigint) => (a > b ? a : b);
  const buySide = held >= 0n ? cost + buys : buyQty <= -held ? cost : larger(cost, buys);
  const sellSide = held <= 0n ? cost + sells : sellQty <= held ? cost : larger(cost, sells);
  return larger(buySide, sellSide);
}

const units = (max: number) => fc.integer({ min: 1, max }).map((n) => BigInt(n) * (SCALE / 100n));
const side = fc.constantFrom<OrderSide>('buy', 'sell');
const order = fc.record({ side, qty: units(2_000), price: units(20_000) });

describe('Class: SymbolExposure', () => {
  it('exposureWith equals the worst case of its definition, also when the book moved since the last sync', () => {
    fc.assert(
      fc.property(
        fc.record({
          position: fc.record({ side, qty: units(3_000), price: units(20_000) }),
          working: fc.array(order, { maxLength: 6 }),
          candidate: order,
          // A fill the book has booked and risk has not heard of yet.
          unsynced: fc.option(order, { nil: undefined }),
        }),
        ({ position, working, candidate, unsynced }) => {
          const book = new PositionLedger();
          book.applyFill(position.side, position.qty as Fixed, position.price as Fixed);
          const ledger = new ExposureLedger({ ledger: () => book, symbols: () => ['X'] });
          ledger.syncPositions(0);
          working.forEach((w, i) => {
            ledger.addWorkingOrder({
              clientOrderId: `w${i}`,
              intentId: `w${i}`,
              strategyId: 's',
              symbol: 'X',
              side: w.side,
              type: 'limit',
              reduceOnly: false,
              price: w.price as Fixed,
              remainingQty: w.qty as Fixed,
              finalAtVenue: false,
            });
          });
          if (unsynced !== undefined)
            book.applyFill(unsynced.side, unsynced.qty as Fixed, unsynced.price as Fixed);
          const state = ledger.get('X')!;
          const raw = notionalRaw(candidate.price as Fixed, candidate.qty as Fixed);
          expect(state.exposureWith(candidate.side, candidate.qty, raw)).toBe(
            worstCase(state, candidate.side, candidate.qty, raw),
          );
          expect(state.otherSymbolsRaw(ledger.grossRaw)).toBe(0n);
        },
      ),
      { numRuns: 500 },
    );
  });
});
