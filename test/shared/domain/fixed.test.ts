import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  div,
  type Fixed,
  FixedParseError,
  fixedFromNumber,
  fixedToNumber,
  formatFixed,
  mul,
  notionalRaw,
  parseFixed,
  percentOf,
  roundTo,
  SCALE,
  ZERO,
} from '../../../shared/domain/fixed.ts';

/** A small deterministic generator, so the million-fill test is reproducible without fast-check's overhead. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

describe('Module: fixed', () => {
  it.each([
    ['187.65', 187_650_000_000n],
    ['-0.000000001', -1n],
    ['0', 0n],
    ['+12', 12_000_000_000n],
    ['71859.53', 71_859_530_000_000n],
  ])('parses %s exactly', (text, units) => {
    expect(parseFixed(text)).toBe(units);
  });

  it('converts to the double a JSON parser gives for the same decimal, so wire prices compare equal', () => {
    expect(fixedToNumber(parseFixed('1.36'))).toBe(1.36);
    expect(fixedToNumber(parseFixed('1.14'))).toBe(1.14);
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }), (units) => {
        expect(fixedToNumber(units as Fixed)).toBe(Number(formatFixed(units as Fixed)));
      }),
      { numRuns: 5_000 },
    );
    expect(fixedToNumber(parseFixed('12345678901.5'))).toBe(12345678901.5);
  });

  it.each(['', '1.', '.5', '1e3', '1.0000000001', 'NaN', '1,000'])(
    'rejects %j with a clear error',
    (text) => {
      expect(() => parseFixed(text)).toThrow(FixedParseError);
    },
  );

  it('formats canonically and round-trips any value', () => {
    expect(formatFixed(parseFixed('187.650'))).toBe('187.65');
    expect(formatFixed(parseFixed('-5'))).toBe('-5');
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (units) => {
        expect(parseFixed(formatFixed(units as Fixed))).toBe(units);
      }),
    );
  });

  it('converts wire floats to the exact decimal they spell', () => {
    expect(fixedFromNumber(87.66)).toBe(parseFixed('87.66'));
    expect(fixedFromNumber(0.1 + 0.2)).toBe(parseFixed('0.3'));
    expect(fixedFromNumber(0.27994)).toBe(parseFixed('0.27994'));
    expect(fixedFromNumber(123_456_789.5)).toBe(parseFixed('123456789.5'));
    expect(() => fixedFromNumber(Number.NaN)).toThrow(FixedParseError);
    fc.assert(
      fc.property(fc.integer({ min: -9_000_000_000_000, max: 9_000_000_000_000 }), (cents) => {
        const text = (cents / 100).toFixed(2);
        expect(fixedFromNumber(Number(text))).toBe(parseFixed(text));
      }),
    );
  });

  it('converts any finite float, 1e21 and beyond included, to its exact integer value', () => {
    // Found by test/fuzz/simulator-rest.fuzz.test.ts: a qty of 1e308 threw, String(1e308) is "1e+308".
    expect(fixedFromNumber(1e21)).toBe(parseFixed('1000000000000000000000'));
    expect(fixedFromNumber(-1e308)).toBe((BigInt(-1e308) * 10n ** 9n) as Fixed);
    fc.assert(
      fc.property(fc.double({ min: 1e21, noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(fixedToNumber(fixedFromNumber(value))).toBe(value);
        expect(fixedToNumber(fixedFromNumber(-value))).toBe(-value);
      }),
    );
  });

  it('multiplies and divides with half-even rounding at 1e-9', () => {
    expect(mul(parseFixed('0.000000001'), parseFixed('0.5'))).toBe(ZERO);
    expect(mul(parseFixed('0.000000003'), parseFixed('0.5'))).toBe(2n);
    expect(mul(parseFixed('-0.000000003'), parseFixed('0.5'))).toBe(-2n);
    expect(div(parseFixed('10'), parseFixed('3'))).toBe(parseFixed('3.333333333'));
    expect(div(parseFixed('-2'), parseFixed('3'))).toBe(parseFixed('-0.666666667'));
    expect(roundTo(parseFixed('2.345'), 2)).toBe(parseFixed('2.34'));
    expect(roundTo(parseFixed('2.355'), 2)).toBe(parseFixed('2.36'));
    expect(percentOf(parseFixed('10000'), parseFixed('2.5'))).toBe(parseFixed('250'));
    expect(() => div(parseFixed('1'), ZERO)).toThrow(RangeError);
  });

  it('sums a million random fills to the exact total', () => {
    const next = lcg(20_261_124);
    let fixedNotional = 0n;
    let fixedQty = ZERO;
    let referenceNotionalE8 = 0n; // cents × micro-shares, counted independently of the Fixed code
    let referenceQtyE6 = 0n;
    let floatNotional = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const cents = 1 + (next() % 5_000_000); // $0.01 … $50,000
      const microShares = 1 + (next() % 100_000_000); // 0.000001 … 100 shares
      const price = parseFixed(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
      const qty = parseFixed(
        `${Math.floor(microShares / 1e6)}.${String(microShares % 1e6).padStart(6, '0')}`,
      );
      fixedNotional += notionalRaw(price, qty);
      fixedQty = add(fixedQty, qty);
      referenceNotionalE8 += BigInt(cents) * BigInt(microShares);
      referenceQtyE6 += BigInt(microShares);
      floatNotional += (cents / 100) * (microShares / 1e6);
    }
    // notionalRaw is at 1e-18; the reference is at 1e-8.
    expect(fixedNotional).toBe(referenceNotionalE8 * 10n ** 10n);
    expect(fixedQty).toBe(referenceQtyE6 * 1000n);
    expect(mul(fixedQty, parseFixed('1'))).toBe(fixedQty);
    // The float sum drifts: the reason this type exists.
    expect(floatNotional).not.toBe(Number(referenceNotionalE8) / 1e8);
    expect(fixedToNumber((fixedNotional / SCALE) as Fixed)).toBeCloseTo(floatNotional, -3);
  });
});
