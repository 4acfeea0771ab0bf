import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionStop, PositionStops } from '../../../engine/risk/position-stops.ts';

const LEVELS = { stopLossFraction: 0.02, trailingStopFraction: 0.015, stopRetryIntervalMs: 2_000 };

describe('Class: PositionStop', () => {
  it('moves the trailing stop only in the position’s favour, and fires exactly when a price crosses a stop', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<1 | -1>(1, -1),
        fc.array(fc.integer({ min: 9_000, max: 11_000 }), { minLength: 1, maxLength: 60 }),
        (direction, cents) => {
          const stop = new PositionStop(direction, 100, 0);
          let previous = stop.trailingStopPrice(LEVELS);
          for (const price of cents.map((c) => c / 100)) {
            const before = Math.max(
              direction * stop.stopLossPrice(LEVELS),
              direction * stop.trailingStopPrice(LEVELS),
            );
            const wasPending = stop.exitPending;
            const hit =
              direction > 0
                ? stop.evaluate(price, price + 0.01, LEVELS, 0)
                : stop.evaluate(price - 0.01, price, LEVELS, 0);
            const trailing = stop.trailingStopPrice(LEVELS);
            expect(direction * trailing).toBeGreaterThanOrEqual(direction * previous);
            previous = trailing;
            const level = Math.max(direction * stop.stopLossPrice(LEVELS), direction * trailing);
            expect(level).toBeGreaterThanOrEqual(before);
            const crossed = direction * price <= level;
            expect(hit !== null).toBe(crossed && !wasPending);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps its anchor when the position is added to, and starts afresh for a new position', () => {
    const stops = new PositionStops();
    stops.sync('AAPL', 10, 100, 1);
    stops.get('AAPL')!.evaluate(110, 110.01, LEVELS, 0);
    stops.sync('AAPL', 20, 105, 1); // added at 110: average 105, anchor still 110
    expect(stops.get('AAPL')).toMatchObject({ entryPrice: 105, anchor: 110 });
    stops.sync('AAPL', 0, 0, 0);
    expect(stops.get('AAPL')).toBeUndefined();
    stops.sync('AAPL', -5, 120, 2);
    expect(stops.get('AAPL')).toMatchObject({ direction: -1, entryPrice: 120, anchor: 120 });
  });
});
