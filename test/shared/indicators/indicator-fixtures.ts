/**
 * Generated inputs for the indicator tests, and the check that runs an indicator over a stream
 * of updates (with corrections of the latest input and gaps) against a reference recomputed from
 * the whole history after every step.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { BarInput, Indicator } from '../../../shared/indicators/indicator.ts';

export const TOLERANCE = 1e-9;
const MINUTE_US = 60_000_000;

/** mulberry32: a small seeded generator, so every run sees the same series. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A random walk of `count` prices on the cent grid, starting at `start`. */
export function randomWalk(seed: number, count: number, start = 100): number[] {
  const random = seededRandom(seed);
  const prices: number[] = [];
  let price = start;
  for (let i = 0; i < count; i++) {
    price = Math.max(1, Math.round((price + (random() - 0.5) * 2) * 100) / 100);
    prices.push(price);
  }
  return prices;
}

/** Minute bars around a random walk; every tenth bar has no volume (a quiet minute). */
export function randomBars(seed: number, count: number, startUs: number): BarInput[] {
  const random = seededRandom(seed + 1);
  return randomWalk(seed, count).map((close, i) => {
    const high = Math.round((close + random() * 0.8) * 100) / 100;
    const low = Math.round((close - random() * 0.8) * 100) / 100;
    const volume = i % 10 === 9 ? 0 : Math.floor(random() * 5_000) + 100;
    return { high, low, close, volume, startUs: startUs + i * MINUTE_US };
  });
}

export interface Step<Input> {
  readonly input: Input;
  readonly replace: boolean;
}

/**
 * The inputs as updates, with a correction of the latest input after every seventh one (its
 * replacement made by `correct`) and, when `gap` is given, a refused input after every eleventh.
 */
export function steps<Input>(
  inputs: readonly Input[],
  correct: (input: Input, i: number) => Input,
  gap?: Input,
): Step<Input>[] {
  const result: Step<Input>[] = [];
  inputs.forEach((input, i) => {
    result.push({ input, replace: false });
    if (i % 7 === 3) result.push({ input: correct(input, i), replace: true });
    if (gap !== undefined && i % 11 === 5) result.push({ input: gap, replace: i % 2 === 0 });
  });
  return result;
}

export const correctPrice = (price: number, i: number): number =>
  Math.round((price + ((i % 5) - 2) * 0.37) * 100) / 100;

export const correctBar = (bar: BarInput, i: number): BarInput => {
  const shift = ((i % 5) - 2) * 0.37;
  return {
    ...bar,
    high: bar.high + shift,
    low: bar.low + shift,
    close: bar.close + shift,
    volume: bar.volume + (i % 3) * 50,
  };
};

export const NAN_BAR: BarInput = { high: Number.NaN, low: 1, close: Number.NaN, volume: 100, startUs: 0 };

/** A random walk of prices as updates, with corrections and NaN gaps. */
export const priceSteps = (seed: number, count = 400): Step<number>[] =>
  steps(randomWalk(seed, count), correctPrice, Number.NaN);

/** Random minute bars from `startUs` as updates, with corrections and NaN gaps. */
export const barSteps = (seed: number, count = 400, startUs = 0): Step<BarInput>[] =>
  steps(randomBars(seed, count, startUs), correctBar, NAN_BAR);

/** Whether an input is one the indicator contract refuses. */
function refused(input: unknown): boolean {
  if (typeof input === 'number') return !Number.isFinite(input);
  const bar = input as BarInput;
  return !Number.isFinite(bar.close) || !Number.isFinite(bar.high);
}

/**
 * Runs the steps and, after each, compares the indicator's return value and `value` with the
 * reference over the history so far (each replace corrected in place, each gap left out).
 */
export function expectMatchesReference<Input, Output>(
  indicator: Indicator<Input, Output>,
  stream: readonly Step<Input>[],
  reference: (history: readonly Input[]) => Output | null,
  fields: (output: Output) => readonly number[],
): void {
  const history: Input[] = [];
  let ready = 0;
  stream.forEach(({ input, replace }, i) => {
    const before = indicator.value === null ? null : fields(indicator.value);
    const returned = indicator.update(input, replace);
    if (refused(input)) {
      expect(returned === null ? null : fields(returned), `step ${i}: a gap changes nothing`).toStrictEqual(
        before,
      );
      return;
    }
    if (replace && history.length > 0) history[history.length - 1] = input;
    else history.push(input);
    const expected = reference(history);
    const value = indicator.value;
    expect(indicator.isReady, `step ${i}: isReady`).toBe(expected !== null);
    if (expected === null) {
      expect(returned, `step ${i}: still warming up`).toBeNull();
      expect(value).toBeNull();
      return;
    }
    ready++;
    expect(returned, `step ${i}: a value`).not.toBeNull();
    const want = fields(expected);
    const got = fields(returned!);
    expect(fields(value!)).toStrictEqual(got);
    want.forEach((w, k) => {
      if (Math.abs(got[k]! - w) > TOLERANCE) {
        expect.fail(`step ${i}, field ${k}: got ${got[k]}, reference ${w}`);
      }
    });
  });
  expect(ready, 'the stream reaches the ready state').toBeGreaterThan(stream.length / 2);
}

export const single = (value: number): readonly number[] => [value];

/** After reset, the indicator gives what a new instance gives on the same inputs. */
export function expectResetRestarts<Input, Output>(
  make: () => Indicator<Input, Output>,
  inputs: readonly Input[],
  fields: (output: Output) => readonly number[],
): void {
  const used = make();
  for (const input of inputs) used.update(input);
  used.reset();
  expect(used.isReady).toBe(false);
  expect(used.value).toBeNull();
  const fresh = make();
  for (const input of inputs) {
    const a = used.update(input);
    const b = fresh.update(input);
    expect(a === null ? null : fields(a)).toStrictEqual(b === null ? null : fields(b));
  }
}

/** Feeds a plain series to ours and to another implementation; compares from index `from` on. */
export function expectAgreesWith<Input>(
  ours: (input: Input) => number | null,
  theirs: (input: Input) => number | null | undefined,
  inputs: readonly Input[],
  from: number,
): number {
  let compared = 0;
  inputs.forEach((input, i) => {
    const a = ours(input);
    const b = theirs(input);
    if (i < from) return;
    expect(a, `index ${i}`).not.toBeNull();
    expect(b, `index ${i}`).not.toBeNull();
    if (Math.abs(a! - b!) > TOLERANCE) expect.fail(`index ${i}: ours ${a}, theirs ${b}`);
    compared++;
  });
  return compared;
}

/**
 * Feeds a million inputs of a random walk around 20,000 (where rounding in running sums shows
 * first) and checks the value against the reference on the current window every ~100k inputs.
 */
export function expectNoDrift(
  indicator: Indicator<number, number>,
  period: number,
  reference: (window: readonly number[], period: number) => number | null,
  seed: number,
): void {
  const random = seededRandom(seed);
  const window: number[] = [];
  let price = 20_000;
  for (let i = 1; i <= 1_000_000; i++) {
    price += (random() - 0.5) * 10;
    indicator.update(price);
    window.push(price);
    if (window.length > period) window.shift();
    if (i % 99_991 === 0)
      expect(Math.abs(indicator.value! - reference(window, period)!)).toBeLessThan(TOLERANCE);
  }
}

/** expectAgreesWith for two single-valued indicators, ours fed `update(input)`, theirs `update(input, false)`. */
export function expectSameValues<Input>(
  ours: Indicator<Input, number>,
  theirs: { update(input: Input, replace: boolean): number | null },
  inputs: readonly Input[],
  from: number,
): number {
  return expectAgreesWith(
    (input) => ours.update(input),
    (input) => theirs.update(input, false),
    inputs,
    from,
  );
}

/** Arbitrary bars on a whole-number grid: a close and how far the high and low reach from it. */
export const arbitraryBars = (maxLength: number): fc.Arbitrary<BarInput[]> =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 100, max: 100_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
      ),
      { minLength: 1, maxLength },
    )
    .map((rows) =>
      rows.map(([close, up, down], i) => ({
        high: close + up,
        low: close - down,
        close,
        volume: 1,
        startUs: i,
      })),
    );
