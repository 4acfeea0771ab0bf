/**
 * JSON whose bytes depend only on the value: object keys sorted (by UTF-16 code unit, as
 * Array.prototype.sort does), numbers that are not integers rounded to 12 significant digits (so
 * float noise in the last bits cannot show, while cents stay exact up to a billion dollars),
 * integers (epoch ms, counts) written exactly. Non-finite numbers, undefined and anything that is
 * not plain JSON data are refused: a report writes an undefined figure as null. An array's
 * objects whose values are all primitives sit on one line each, so a row (a trade, a daily point)
 * is a line.
 */

export const SIGNIFICANT_DIGITS = 12;

/** Takes `unknown` because report types are interfaces, which TypeScript will not match to a JSON index signature. */
export function canonicalJson(value: unknown): string {
  return `${write(value, '', false, '$')}\n`;
}

export function roundNumber(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`a report number must be finite, got ${value}`);
  // Adding 0 turns −0 into 0.
  return Number.isInteger(value) ? value + 0 : Number(value.toPrecision(SIGNIFICANT_DIGITS)) + 0;
}

function write(value: unknown, indent: string, isRow: boolean, path: string): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return JSON.stringify(roundNumber(value));
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((item, i) => inner + write(item, inner, true, `${path}[${i}]`));
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  if (!isPlainObject(value)) throw new TypeError(`${path} is not JSON data (${typeof value})`);
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return '{}';
  const members = keys.map(
    (key) => `${JSON.stringify(key)}: ${write(value[key], inner, false, `${path}.${key}`)}`,
  );
  if (isRow && keys.every((key) => isPrimitive(value[key]))) return `{${members.join(', ')}}`;
  return `{\n${members.map((member) => inner + member).join(',\n')}\n${indent}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}
