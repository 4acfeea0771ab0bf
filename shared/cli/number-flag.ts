/**
 * A command-line flag's number, checked against its range. The problem, naming the flag and
 * quoting what was given, is pushed rather than thrown, so a command reports every bad flag at
 * once. Only plain decimals count: `1e3`, `0x10`, `Infinity` or an empty value are refused rather
 * than read the way `Number()` would.
 */
export interface NumberFlagRange {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** The value must be above `min`, not equal to it. */
  readonly minExclusive?: boolean;
}

const DECIMAL = /^\d+(\.\d+)?$/;

export function numberFlag(
  text: string | undefined,
  name: string,
  range: NumberFlagRange,
  problems: string[],
): number | undefined {
  if (text === undefined) return undefined;
  const value = DECIMAL.test(text.trim()) ? Number(text) : Number.NaN;
  const aboveMin = range.minExclusive ? value > range.min : value >= range.min;
  const whole = !range.integer || Number.isSafeInteger(value);
  if (Number.isFinite(value) && aboveMin && value <= range.max && whole) return value;
  const kind = range.integer ? 'a whole number' : 'a number';
  const from = range.minExclusive ? `above ${range.min}` : `from ${range.min}`;
  problems.push(`--${name} must be ${kind} ${from} to ${range.max}, got ${JSON.stringify(text)}`);
  return undefined;
}
