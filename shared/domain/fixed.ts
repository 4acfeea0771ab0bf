/**
 * Exact decimal numbers for prices, quantities and money: a bigint counting units of 1e-9.
 *
 * Why this representation: Alpaca sends quantities with up to 9 decimals (fractional shares,
 * crypto) and prices with up to 9 (sub-penny crypto), and a ledger must sum without drift.
 * A float64 cannot; a scaled bigint can, with no upper bound. Measured on this machine
 * (Node 24), a bigint multiply+divide+add costs ~70 ns against ~2 ns for floats, so the
 * per-message hot path (decode, book) keeps the wire's float64 and converts once per order
 * intent, and ledgers (positions, P&L, exposure) keep bigint aggregates updated per event.
 *
 * Products keep full precision where they can: `notionalRaw` returns price × qty at scale
 * 1e-18 so that risk checks compare against limits without dividing; `mul` rounds the
 * product back to 1e-9 half-to-even (banker's rounding, the IEEE and accounting default).
 */

export type Fixed = bigint & { readonly __fixed: unique symbol };

export const SCALE_DIGITS = 9;
export const SCALE = 1_000_000_000n;
const SCALE_NUMBER = 1e9;
/** Scale of a price × quantity product before rounding: 1e-18. */
export const SCALE_SQUARED = SCALE * SCALE;

export const ZERO = 0n as Fixed;
export const ONE = SCALE as Fixed;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

export class FixedParseError extends Error {
  override readonly name = 'FixedParseError';
  readonly input: string;
  constructor(input: string, reason: string) {
    super(
      `invalid decimal ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}: ${reason}`,
    );
    this.input = input;
  }
}

/** Parses a decimal string such as "187.65" or "-0.000000001" exactly; more than 9 decimals is an error. */
export function parseFixed(text: string): Fixed {
  const match = DECIMAL.exec(text);
  if (match === null)
    throw new FixedParseError(text, 'expected digits with an optional sign and decimal point');
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE_DIGITS) {
    throw new FixedParseError(text, `more than ${SCALE_DIGITS} decimal places`);
  }
  const units = BigInt(whole!) * SCALE + BigInt(fraction.padEnd(SCALE_DIGITS, '0'));
  return (sign === '-' ? -units : units) as Fixed;
}

/** Like parseFixed but returns undefined instead of throwing, for validators. */
export function tryParseFixed(text: string): Fixed | undefined {
  const match = DECIMAL.exec(text);
  if (match === null || (match[3] ?? '').length > SCALE_DIGITS) return undefined;
  return parseFixed(text);
}

/**
 * Converts a float64 from the wire (a JSON number) to the nearest 1e-9 unit. Exact for any
 * decimal literal with at most 9 decimals and magnitude below 9,007,199 (2^53 / 1e9), which
 * covers every listed price and every order quantity this system sends; larger values fall back
 * to the shortest round-trip decimal string, which is also exact for the literal that was sent.
 */
export function fixedFromNumber(value: number): Fixed {
  if (!Number.isFinite(value)) throw new FixedParseError(String(value), 'not a finite number');
  const scaled = value * SCALE_NUMBER;
  if (Math.abs(scaled) < Number.MAX_SAFE_INTEGER) return BigInt(Math.round(scaled)) as Fixed;
  // From 1e21 on String() and toFixed() give exponent notation, which parseFixed refuses; a double
  // that large is a whole number, so its exact integer value is what was sent (1e308 included).
  if (Math.abs(value) >= 1e21) return (BigInt(value) * SCALE) as Fixed;
  return parseFixed(numberToPlainDecimal(value));
}

function numberToPlainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(SCALE_DIGITS);
}

/** Integer units (shares, cents are not units here) to Fixed: 5 → 5.000000000. */
export function fixedFromInteger(value: number | bigint): Fixed {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new FixedParseError(String(value), 'not a safe integer');
  }
  return (BigInt(value) * SCALE) as Fixed;
}

/** Canonical decimal text without trailing zeros: 187.650000000 → "187.65", 5 → "5". */
export function formatFixed(value: Fixed): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / SCALE;
  const fraction = magnitude % SCALE;
  const sign = negative ? '-' : '';
  if (fraction === 0n) return `${sign}${whole}`;
  const digits = fraction.toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  return `${sign}${whole}.${digits}`;
}

const SAFE_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Nearest float64, for display, metrics and indicators only; never feed it back into a ledger.
 * Below 2^53 units ($9M) the units convert exactly and one division rounds once, so the result
 * is the double nearest the decimal, the one a JSON parser gives for the same text: 100.02 as a
 * Fixed compares equal to 100.02 off the wire. Whole and fraction converted apart round twice,
 * which is one ulp off for 43 of the 2 million cent prices up to $20,000 (1.36 came out below
 * 1.36), and cost two bigint divisions more.
 */
export function fixedToNumber(value: Fixed): number {
  if (value <= SAFE_UNITS && value >= -SAFE_UNITS) return Number(value) / SCALE_NUMBER;
  const whole = value / SCALE;
  const fraction = value % SCALE;
  return Number(whole) + Number(fraction) / SCALE_NUMBER;
}

export function add(a: Fixed, b: Fixed): Fixed {
  return (a + b) as Fixed;
}

export function sub(a: Fixed, b: Fixed): Fixed {
  return (a - b) as Fixed;
}

export function neg(a: Fixed): Fixed {
  return -a as Fixed;
}

export function abs(a: Fixed): Fixed {
  return (a < 0n ? -a : a) as Fixed;
}

export function min(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}

export function max(a: Fixed, b: Fixed): Fixed {
  return a > b ? a : b;
}

export function sign(a: Fixed): -1 | 0 | 1 {
  return a < 0n ? -1 : a > 0n ? 1 : 0;
}

/** Divides a bigint by a positive divisor, rounding half to even. */
export function divRoundHalfEven(numerator: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw new RangeError('divisor must be positive');
  let quotient = numerator / divisor;
  const remainder = numerator - quotient * divisor;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n !== 0n)) {
    quotient += numerator < 0n ? -1n : 1n;
  }
  return quotient;
}

/** a × b rounded half-even to 1e-9 (price × qty = money). */
export function mul(a: Fixed, b: Fixed): Fixed {
  return divRoundHalfEven(a * b, SCALE) as Fixed;
}

/** Exact a × b at scale 1e-18, for comparisons against limits without rounding. */
export function notionalRaw(price: Fixed, qty: Fixed): bigint {
  return price * qty;
}

/** a ÷ b rounded half-even to 1e-9 (money ÷ qty = average price). */
export function div(a: Fixed, b: Fixed): Fixed {
  if (b === 0n) throw new RangeError('division by zero');
  const numerator = a * SCALE;
  return (b < 0n ? divRoundHalfEven(-numerator, -b) : divRoundHalfEven(numerator, b)) as Fixed;
}

/** Rounds to a number of decimal places (0–9), half to even: prices to cents, money to cents. */
export function roundTo(value: Fixed, decimals: number): Fixed {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > SCALE_DIGITS) {
    throw new RangeError(`decimals must be an integer from 0 to ${SCALE_DIGITS}`);
  }
  const step = 10n ** BigInt(SCALE_DIGITS - decimals);
  return (divRoundHalfEven(value, step) * step) as Fixed;
}

/** Percentage of a value: pct(10000, 2.5) = 250. The percentage itself is a Fixed (2.5 → 2.5). */
export function percentOf(value: Fixed, percent: Fixed): Fixed {
  return divRoundHalfEven(value * percent, SCALE * 100n) as Fixed;
}

export function isFixed(value: unknown): value is Fixed {
  return typeof value === 'bigint';
}
