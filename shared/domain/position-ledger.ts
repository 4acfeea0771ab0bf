/**
 * One symbol's position built from fills by the average-cost method: adding to a position moves
 * the average entry price, reducing it realises P&L against that average and leaves it unchanged,
 * and a fill larger than the open quantity closes the position and opens the other side at the
 * fill price.
 *
 * Why the average is a fraction: the average of fills at 1e-9 prices is generally not a 1e-9
 * number (three shares at 10, 10 and 10.000000001), and rounding it would make realised P&L
 * depend on the order in which lots were added. So the average is kept as an exact ratio
 * (costNumerator / costDenominator, in price units of 1e-9) and money is rounded once, half to
 * even, to the ledger's 1e-9 unit on each closing fill — the point where a broker books it.
 */
import { divRoundHalfEven, type Fixed, SCALE, ZERO } from './fixed.ts';
import type { OrderSide } from './order.ts';

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export class PositionLedger {
  #qty: bigint = 0n;
  /** Average entry price = #avgNumerator / #avgDenominator, in 1e-9 price units; 0/1 when flat. */
  #avgNumerator = 0n;
  #avgDenominator = 1n;
  #realized: bigint = 0n;

  /** Signed quantity: positive long, negative short. */
  get qty(): Fixed {
    return this.#qty as Fixed;
  }

  get realizedPnl(): Fixed {
    return this.#realized as Fixed;
  }

  /** The average entry price rounded half-even to 1e-9, for display and for the broker's comparison. */
  get avgEntryPrice(): Fixed {
    return divRoundHalfEven(this.#avgNumerator, this.#avgDenominator) as Fixed;
  }

  /** Applies one execution and returns the P&L it realised (zero when it only adds). */
  applyFill(side: OrderSide, qty: Fixed, price: Fixed): Fixed {
    if (qty <= 0n) throw new RangeError(`fill quantity must be positive, got ${qty}`);
    if (price < 0n) throw new RangeError(`fill price must not be negative, got ${price}`);
    const direction = side === 'buy' ? 1n : -1n;
    const held = this.#qty;
    if (held === 0n || held > 0n === direction > 0n) {
      this.#add(direction, qty, price);
      return ZERO;
    }
    const open = held < 0n ? -held : held;
    const closing = qty < open ? qty : open;
    const heldDirection = held > 0n ? 1n : -1n;
    const realized = divRoundHalfEven(
      heldDirection * closing * (price * this.#avgDenominator - this.#avgNumerator),
      this.#avgDenominator * SCALE,
    );
    this.#realized += realized;
    this.#qty -= heldDirection * closing;
    if (this.#qty === 0n) this.#setAverage(0n, 1n);
    if (qty > closing) this.#add(direction, qty - closing, price);
    return realized as Fixed;
  }

  /** qty × (mark − average), rounded half-even: unrealised P&L at a mark price. */
  unrealizedPnl(mark: Fixed): Fixed {
    if (this.#qty === 0n) return ZERO;
    return divRoundHalfEven(
      this.#qty * (mark * this.#avgDenominator - this.#avgNumerator),
      this.#avgDenominator * SCALE,
    ) as Fixed;
  }

  /** Replaces the open position, e.g. with the broker's at start-up; realised P&L is kept. */
  restore(qty: Fixed, avgEntryPrice: Fixed): void {
    this.#qty = qty;
    if (qty === 0n) this.#setAverage(0n, 1n);
    else this.#setAverage(avgEntryPrice, 1n);
  }

  #add(direction: bigint, qty: bigint, price: bigint): void {
    const open = this.#qty < 0n ? -this.#qty : this.#qty;
    // (avg × open + price × qty) / (open + qty), kept as a fraction.
    this.#setAverage(
      this.#avgNumerator * open + price * qty * this.#avgDenominator,
      this.#avgDenominator * (open + qty),
    );
    this.#qty += direction * qty;
  }

  #setAverage(numerator: bigint, denominator: bigint): void {
    const divisor = gcd(numerator, denominator);
    this.#avgNumerator = divisor > 1n ? numerator / divisor : numerator;
    this.#avgDenominator = divisor > 1n ? denominator / divisor : denominator;
  }
}
