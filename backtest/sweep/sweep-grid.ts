/**
 * The `--sweep` flag: which strategy parameters a sweep varies and over which values, e.g.
 * `fast=5:50:5,slow=20:200:20` (inclusive ranges) or `mode=long|short` (lists), expanded to every
 * combination. Ranges are counted in scaled integers so `0.1:0.5:0.1` gives exactly the doubles of
 * 0.1 … 0.5, not 0.30000000000000004.
 */

export type SweepValue = number | string;

/** One swept parameter and its values, in the order the sweep tries them. */
export interface SweepAxis {
  readonly name: string;
  readonly values: readonly SweepValue[];
}

/** One combination of the swept parameters. */
export type SweepPoint = Readonly<Record<string, SweepValue>>;

/** Beyond this a sweep is almost surely a typo (a step of 0.001 meant as 0.1), not a plan. */
export const DEFAULT_MAX_SWEEP_POINTS = 100_000;

/** Every problem found in a `--sweep` value, reported at once. */
export class SweepSpecError extends Error {
  override readonly name = 'SweepSpecError';
  readonly problems: readonly string[];

  constructor(spec: string, problems: readonly string[]) {
    super(
      `--sweep ${JSON.stringify(spec)} is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const WORD = /^[A-Za-z0-9_.-]+$/;

function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

/** A decimal as an integer count of 10^-scale units, so ranges step without rounding error. */
function toUnits(text: string, scale: number): number {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const digits = `${whole}${fraction.padEnd(scale, '0')}`.replace(/^0+(?=\d)/, '');
  const units = Number(digits === '' ? '0' : digits);
  return negative ? -units : units;
}

function parseRange(
  name: string,
  body: string,
  maxPoints: number,
  problems: string[],
): readonly SweepValue[] | null {
  const parts = body.split(':');
  if (parts.length !== 3) {
    problems.push(`${name}=${body}: a range is from:to:step (three numbers), got ${parts.length} parts`);
    return null;
  }
  const [fromText, toText, stepText] = parts as [string, string, string];
  const bad = (
    [
      ['from', fromText],
      ['to', toText],
      ['step', stepText],
    ] as const
  ).filter(([, text]) => !DECIMAL.test(text));
  for (const [role, text] of bad) {
    problems.push(`${name}=${body}: ${role} ${JSON.stringify(text)} is not a number`);
  }
  if (bad.length > 0) return null;

  const scale = Math.max(decimalPlaces(fromText), decimalPlaces(toText), decimalPlaces(stepText));
  const from = toUnits(fromText, scale);
  const to = toUnits(toText, scale);
  const step = toUnits(stepText, scale);
  if (![from, to, step].every(Number.isSafeInteger)) {
    problems.push(`${name}=${body}: too many digits to step exactly`);
    return null;
  }
  if (step <= 0) {
    problems.push(`${name}=${body}: step must be greater than 0, got ${stepText}`);
    return null;
  }
  if (from > to) {
    problems.push(`${name}=${body}: from ${fromText} is greater than to ${toText}`);
    return null;
  }
  const count = Math.floor((to - from) / step) + 1;
  if (count > maxPoints) {
    problems.push(`${name}=${body}: ${count} values, more than the ${maxPoints} a sweep may have`);
    return null;
  }
  const divisor = 10 ** scale;
  return Array.from({ length: count }, (_, i) => (from + i * step) / divisor);
}

function parseList(name: string, body: string, problems: string[]): readonly SweepValue[] | null {
  const items = body.split('|');
  const values: SweepValue[] = [];
  const seen = new Set<SweepValue>();
  let valid = true;
  for (const item of items) {
    if (item === '') {
      problems.push(`${name}=${body}: empty value in the list`);
      valid = false;
      continue;
    }
    const value = DECIMAL.test(item) ? Number(item) : item;
    if (typeof value === 'string' && !WORD.test(value)) {
      problems.push(
        `${name}=${body}: ${JSON.stringify(item)} is neither a number nor a word (letters, digits, _ . -)`,
      );
      valid = false;
      continue;
    }
    if (seen.has(value)) {
      problems.push(`${name}=${body}: ${item} is listed twice`);
      valid = false;
      continue;
    }
    seen.add(value);
    values.push(value);
  }
  return valid ? values : null;
}

/**
 * Parses a `--sweep` value: comma-separated `name=from:to:step` (inclusive range) or
 * `name=a|b|c` (a list of numbers or words; a single value fixes the parameter).
 * Throws a SweepSpecError listing every bad part.
 */
export function parseSweepSpec(spec: string, maxPoints = DEFAULT_MAX_SWEEP_POINTS): readonly SweepAxis[] {
  const problems: string[] = [];
  if (spec.trim() === '') throw new SweepSpecError(spec, ['empty: expected e.g. fast=5:50:5,slow=20:200:20']);

  const axes: SweepAxis[] = [];
  const names = new Set<string>();
  for (const rawPart of spec.split(',')) {
    const part = rawPart.trim();
    if (part === '') {
      problems.push('empty parameter between commas');
      continue;
    }
    const equals = part.indexOf('=');
    const name = equals === -1 ? part : part.slice(0, equals).trim();
    const body = equals === -1 ? '' : part.slice(equals + 1).trim();
    if (equals === -1 || body === '') {
      problems.push(`${part}: expected name=from:to:step or name=a|b|c`);
      continue;
    }
    if (!NAME.test(name)) {
      problems.push(
        `${part}: parameter name ${JSON.stringify(name)} must start with a letter (letters, digits, _ -)`,
      );
      continue;
    }
    if (names.has(name)) {
      problems.push(`${part}: parameter ${name} is swept twice`);
      continue;
    }
    names.add(name);
    const values = body.includes(':')
      ? parseRange(name, body, maxPoints, problems)
      : parseList(name, body, problems);
    if (values !== null) axes.push({ name, values });
  }

  if (problems.length === 0) {
    const size = sweepSize(axes);
    if (size > maxPoints) {
      problems.push(
        `${axes.map((axis) => axis.values.length).join(' × ')} = ${size} combinations, more than the ${maxPoints} a sweep may have`,
      );
    }
  }
  if (problems.length > 0) throw new SweepSpecError(spec, problems);
  return axes;
}

/** Number of combinations of the axes. */
export function sweepSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((size, axis) => size * axis.values.length, 1);
}

/**
 * Every combination, the first axis varying slowest (as nested loops written in the flag's order),
 * so a point's index is stable across runs and breaks ranking ties.
 */
export function expandSweep(axes: readonly SweepAxis[]): readonly SweepPoint[] {
  let points: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.name]: value })));
  }
  return points;
}

/** Whether two points set the same parameters to the same values, whatever their key order. */
export function samePoint(a: SweepPoint, b: SweepPoint): boolean {
  const names = Object.keys(a);
  return (
    names.length === Object.keys(b).length &&
    names.every((name) => Object.hasOwn(b, name) && a[name] === b[name])
  );
}
