import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Fixed, parseFixed, SCALE } from '../../../shared/domain/fixed.ts';
import type { OrderSide } from '../../../shared/domain/order.ts';
import { PositionLedger } from '../../../shared/domain/position-ledger.ts';

const f = parseFixed;

describe('Class: PositionLedger', () => {
  it('averages partial fills of an opening order and realises against that average', () => {
    const ledger = new PositionLedger();
    ledger.applyFill('buy', f('10'), f('100'));
    ledger.applyFill('buy', f('30'), f('104'));
    expect(ledger.qty).toBe(f('40'));
    expect(ledger.avgEntryPrice).toBe(f('103'));

    const realized = ledger.applyFill('sell', f('15'), f('110'));
    expect(realized).toBe(f('105'));
    expect(ledger.qty).toBe(f('25'));
    expect(ledger.avgEntryPrice).toBe(f('103'));
    expect(ledger.unrealizedPnl(f('101'))).toBe(f('-50'));
  });

  it('realises a short covered at a higher price as a loss', () => {
    const ledger = new PositionLedger();
    ledger.applyFill('sell', f('5'), f('50'));
    expect(ledger.qty).toBe(f('-5'));
    expect(ledger.unrealizedPnl(f('48'))).toBe(f('10'));
    expect(ledger.applyFill('buy', f('5'), f('52'))).toBe(f('-10'));
    expect(ledger.qty).toBe(0n);
    expect(ledger.avgEntryPrice).toBe(0n);
    expect(ledger.realizedPnl).toBe(f('-10'));
  });

  it('flips through zero: closes the long, then opens a short at the fill price', () => {
    const ledger = new PositionLedger();
    ledger.applyFill('buy', f('10'), f('20'));
    expect(ledger.applyFill('sell', f('25'), f('22'))).toBe(f('20'));
    expect(ledger.qty).toBe(f('-15'));
    expect(ledger.avgEntryPrice).toBe(f('22'));
    expect(ledger.applyFill('buy', f('15'), f('21'))).toBe(f('15'));
    expect(ledger.realizedPnl).toBe(f('35'));
  });

  it('keeps an average that is not a 1e-9 number exact, rounding money only when booked', () => {
    const ledger = new PositionLedger();
    ledger.applyFill('buy', f('1'), f('10'));
    ledger.applyFill('buy', f('2'), f('10.000000001'));
    // Average 10.000000000666…: displayed rounded up, but closing at 10.000000001 books 3 × 0.000000000333…
    // = 0.000000001, where the rounded average would have booked nothing.
    expect(ledger.avgEntryPrice).toBe(f('10.000000001'));
    expect(ledger.applyFill('sell', f('3'), f('10.000000001'))).toBe(f('0.000000001'));
    expect(ledger.realizedPnl).toBe(f('0.000000001'));
  });

  it('restores a broker position and realises against its average', () => {
    const ledger = new PositionLedger();
    ledger.restore(f('-3'), f('12.5'));
    expect(ledger.applyFill('buy', f('1'), f('12'))).toBe(f('0.5'));
    expect(ledger.qty).toBe(f('-2'));
  });

  it('refuses a non-positive quantity as a bug', () => {
    expect(() => new PositionLedger().applyFill('buy', 0n as Fixed, f('1'))).toThrow(RangeError);
  });
});

/**
 * The reference: exact rationals throughout and the cost of the open lots tracked directly, so
 * it shares no arithmetic with the ledger's running-fraction average. Money is rounded half to
 * even at 1e-9 per closing fill, the rule the ledger documents.
 */
interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}
const rational = (n: bigint, d = 1n): Rational => (d < 0n ? { n: -n, d: -d } : { n, d });
const plus = (a: Rational, b: Rational): Rational => rational(a.n * b.d + b.n * a.d, a.d * b.d);
const minus = (a: Rational, b: Rational): Rational => plus(a, rational(-b.n, b.d));
const times = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
const over = (a: Rational, b: Rational): Rational => rational(a.n * b.d, a.d * b.n);

/** Nearest integer to a rational, ties to even, by comparing twice the remainder. */
function roundHalfEven(value: Rational): bigint {
  let floor = value.n / value.d;
  if (value.n % value.d !== 0n && value.n < 0n) floor -= 1n;
  const twiceRemainder = 2n * (value.n - floor * value.d);
  if (twiceRemainder > value.d) return floor + 1n;
  if (twiceRemainder < value.d) return floor;
  return floor % 2n === 0n ? floor : floor + 1n;
}

interface ReferenceFill {
  readonly side: OrderSide;
  readonly qty: bigint;
  readonly price: bigint;
}

function referenceLedger(fills: readonly ReferenceFill[]): { qty: bigint; realized: bigint; cost: Rational } {
  const unit = rational(SCALE);
  let qty = 0n;
  let cost = rational(0n); // Σ price × qty of the open lots, in currency
  let realized = 0n;
  for (const { side, qty: fillQty, price: priceUnits } of fills) {
    const signed = side === 'buy' ? fillQty : -fillQty;
    const price = over(rational(priceUnits), unit);
    let remaining = over(rational(fillQty), unit);
    if (qty !== 0n && qty > 0n !== signed > 0n) {
      const open = over(rational(qty < 0n ? -qty : qty), unit);
      const closing = remaining.n * open.d <= open.n * remaining.d ? remaining : open;
      const average = over(cost, open);
      const perShare = qty > 0n ? minus(price, average) : minus(average, price);
      realized += roundHalfEven(times(times(closing, perShare), unit));
      cost = minus(cost, times(average, closing));
      const closingUnits = (closing.n * SCALE) / closing.d;
      qty += qty > 0n ? -closingUnits : closingUnits;
      remaining = minus(remaining, closing);
      if (qty === 0n) cost = rational(0n);
    }
    if (remaining.n !== 0n) {
      cost = plus(cost, times(price, remaining));
      const units = (remaining.n * SCALE) / remaining.d;
      qty += signed > 0n ? units : -units;
    }
  }
  return { qty, realized, cost };
}

const fillArbitrary = fc.record({
  side: fc.constantFrom<OrderSide>('buy', 'sell'),
  // Whole and fractional shares, prices from sub-penny to thousands, all at 1e-9 resolution.
  qty: fc.oneof(
    fc.bigInt({ min: 1n, max: 500n }).map((q) => q * SCALE),
    fc.bigInt({ min: 1n, max: 10n ** 12n }),
  ),
  price: fc.oneof(
    fc.bigInt({ min: 1n, max: 500_000n }).map((cents) => cents * 10_000_000n),
    fc.bigInt({ min: 1n, max: 10n ** 13n }),
  ),
});

describe('Property: PositionLedger equals an exact rational reference', () => {
  it('for random fill sequences, quantity, realised P&L and average cost match exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fillArbitrary, { maxLength: 40 }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (fills, mark) => {
          const ledger = new PositionLedger();
          for (const fill of fills) ledger.applyFill(fill.side, fill.qty as Fixed, fill.price as Fixed);
          const reference = referenceLedger(fills);
          expect(ledger.qty).toBe(reference.qty);
          expect(ledger.realizedPnl).toBe(reference.realized);
          if (reference.qty !== 0n) {
            const open = over(rational(reference.qty < 0n ? -reference.qty : reference.qty), rational(SCALE));
            const average = over(reference.cost, open);
            expect(ledger.avgEntryPrice).toBe(roundHalfEven(times(average, rational(SCALE))));
            const markPrice = over(rational(mark), rational(SCALE));
            const unrealizedReference = times(
              times(over(rational(reference.qty), rational(SCALE)), minus(markPrice, average)),
              rational(SCALE),
            );
            expect(ledger.unrealizedPnl(mark as Fixed)).toBe(roundHalfEven(unrealizedReference));
          } else {
            expect(ledger.avgEntryPrice).toBe(0n);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
