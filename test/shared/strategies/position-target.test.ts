import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixed, fixedFromInteger, formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import {
  orderTowardTarget,
  type PositionTargetOptions,
  targetQuantity,
} from '../../../shared/strategies/position-target.ts';

const f = parseFixed;
const options: PositionTargetOptions = {
  maxPositionNotional: f('1000'),
  allowShort: false,
  rebalanceFraction: 0.25,
};

describe('targetQuantity', () => {
  it.each([
    ['long at full strength', 'long', 1, 100, options, '10'],
    ['long at half strength', 'long', 0.5, 100, options, '5'],
    ['long, whole shares only', 'long', 1, 300, options, '3'],
    ['flat', 'flat', 1, 100, options, '0'],
    ['short without shorting', 'short', 1, 100, options, '0'],
    ['short with shorting', 'short', 0.5, 100, { ...options, allowShort: true }, '-5'],
  ] as const)('%s', (_name, direction, strength, price, given, expected) => {
    expect(formatFixed(targetQuantity('AAPL', direction, strength, price, given))).toBe(expected);
  });

  it('never shorts crypto, which Alpaca does not allow', () => {
    expect(targetQuantity('BTC/USD', 'short', 1, 100, { ...options, allowShort: true })).toBe(0n);
  });

  it('sizes crypto in fractions', () => {
    expect(formatFixed(targetQuantity('BTC/USD', 'long', 1, 30_000, options))).toBe('0.0333');
  });
});

describe('orderTowardTarget', () => {
  const largest = f('10');
  it.each([
    ['opens a long', '0', '10', { side: 'buy', qty: '10', purpose: 'entry' }],
    ['adds to a long', '4', '10', { side: 'buy', qty: '6', purpose: 'entry' }],
    ['trims a long', '10', '5', { side: 'sell', qty: '5', purpose: 'exit' }],
    ['goes flat', '10', '0', { side: 'sell', qty: '10', purpose: 'exit' }],
    ['goes flat however small the position', '1', '0', { side: 'sell', qty: '1', purpose: 'exit' }],
    ['closes a long before going short', '10', '-10', { side: 'sell', qty: '10', purpose: 'exit' }],
    ['closes a short before going long', '-4', '10', { side: 'buy', qty: '4', purpose: 'exit' }],
    ['opens a short', '0', '-10', { side: 'sell', qty: '10', purpose: 'entry' }],
    ['leaves a change below a quarter of the largest position', '8', '10', null],
    ['leaves a position at its target', '10', '10', null],
    ['leaves nothing held with nothing wanted', '0', '0', null],
  ] as const)('%s', (_name, held, target, expected) => {
    const order = orderTowardTarget(f(held), f(target), largest, 0.25);
    expect(
      order === null ? null : { side: order.side, qty: formatFixed(order.qty), purpose: order.purpose },
    ).toStrictEqual(expected);
  });

  it('moves toward the target without passing it or crossing zero', () => {
    const shares = fc.integer({ min: -50, max: 50 }).map((n): Fixed => fixedFromInteger(n));
    fc.assert(
      fc.property(shares, shares, (held, target) => {
        const order = orderTowardTarget(held, target, f('20'), 0.25);
        if (order === null) return;
        const after = order.side === 'buy' ? held + order.qty : held - order.qty;
        expect(after === target || (after === 0n && held !== 0n)).toBe(true);
        expect(held > 0n ? after >= 0n : held < 0n ? after <= 0n : true).toBe(true);
        expect(order.purpose === 'exit').toBe(
          after * held >= 0n && (after < 0n ? -after : after) < (held < 0n ? -held : held),
        );
      }),
    );
  });
});
