import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expandSweep,
  parseSweepSpec,
  SweepSpecError,
  sweepSize,
} from '../../../backtest/sweep/sweep-grid.ts';

function problemsOf(spec: string, maxPoints?: number): readonly string[] {
  try {
    parseSweepSpec(spec, maxPoints);
  } catch (error) {
    if (error instanceof SweepSpecError) return error.problems;
    throw error;
  }
  throw new Error(`expected ${spec} to be rejected`);
}

describe('parseSweepSpec', () => {
  it('expands inclusive integer ranges in the order written', () => {
    expect(parseSweepSpec('fast=5:50:5,slow=20:200:20')).toStrictEqual([
      { name: 'fast', values: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50] },
      { name: 'slow', values: [20, 40, 60, 80, 100, 120, 140, 160, 180, 200] },
    ]);
  });

  it('steps decimals without float drift', () => {
    expect(parseSweepSpec('threshold=0.1:0.5:0.1')[0]!.values).toStrictEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseSweepSpec('x=-0.3:0.3:0.15')[0]!.values).toStrictEqual([-0.3, -0.15, 0, 0.15, 0.3]);
  });

  it('stops at the last step that does not pass `to`', () => {
    expect(parseSweepSpec('n=1:10:4')[0]!.values).toStrictEqual([1, 5, 9]);
  });

  it('reads lists of numbers and words, and a single value', () => {
    expect(parseSweepSpec('mode=long|short, size=1|2.5, seed=7')).toStrictEqual([
      { name: 'mode', values: ['long', 'short'] },
      { name: 'size', values: [1, 2.5] },
      { name: 'seed', values: [7] },
    ]);
  });

  it('gives every decimal range value exactly as the literal would parse', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5000, max: 5000 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 4 }),
        (fromUnits, spanUnits, stepUnits, places) => {
          const text = (units: number) => (units / 10 ** places).toFixed(places);
          const values = parseSweepSpec(
            `p=${text(fromUnits)}:${text(fromUnits + spanUnits)}:${text(stepUnits)}`,
          )[0]!.values;
          const expected = Array.from({ length: Math.floor(spanUnits / stepUnits) + 1 }, (_, i) =>
            Number(text(fromUnits + i * stepUnits)),
          );
          expect(values).toStrictEqual(expected);
        },
      ),
    );
  });

  it.each([
    ['', /empty/],
    ['fast', /fast: expected name=from:to:step/],
    ['fast=', /expected name=from:to:step/],
    ['fast=5:50', /fast=5:50: a range is from:to:step/],
    ['fast=5:50:0', /fast=5:50:0: step must be greater than 0/],
    ['fast=5:50:-5', /step must be greater than 0/],
    ['fast=50:5:5', /fast=50:5:5: from 50 is greater than to 5/],
    ['fast=5:x:5', /fast=5:x:5: to "x" is not a number/],
    ['fast=1e3:2e3:1', /from "1e3" is not a number/],
    ['fast=5:50:5,fast=1:2:1', /parameter fast is swept twice/],
    ['fast=5:50:5,,slow=1:2:1', /empty parameter between commas/],
    ['9lives=1|2', /parameter name "9lives" must start with a letter/],
    ['mode=long||short', /mode=long\|\|short: empty value in the list/],
    ['mode=long|long', /long is listed twice/],
    ['mode=long|<b>', /"<b>" is neither a number nor a word/],
  ])('rejects %j, naming the bad part', (spec, message) => {
    const problems = problemsOf(spec);
    expect(problems.join('\n')).toMatch(message);
  });

  it('reports every bad part at once', () => {
    expect(problemsOf('fast=5:50:0,slow=9:1:1,mode=a|a')).toHaveLength(3);
  });

  it('refuses a grid larger than the cap, naming its size', () => {
    expect(problemsOf('a=1:1000:1,b=1:200:1')).toStrictEqual([
      '1000 × 200 = 200000 combinations, more than the 100000 a sweep may have',
    ]);
    expect(problemsOf('a=0:1:0.000001')).toStrictEqual([
      'a=0:1:0.000001: 1000001 values, more than the 100000 a sweep may have',
    ]);
    expect(problemsOf('a=1:10:1,b=1:10:1', 99)[0]).toMatch(/100 combinations, more than the 99/);
  });

  it('names the flag and the value in its message', () => {
    expect(() => parseSweepSpec('fast=5:50:0')).toThrow(
      /^--sweep "fast=5:50:0" is invalid:\n {2}- fast=5:50:0: step/,
    );
  });
});

describe('expandSweep', () => {
  it('gives the cartesian product, the first parameter varying slowest', () => {
    const axes = parseSweepSpec('fast=5:10:5,slow=20:60:20,mode=a|b');
    const points = expandSweep(axes);
    expect(points).toHaveLength(sweepSize(axes));
    expect(points.slice(0, 3)).toStrictEqual([
      { fast: 5, slow: 20, mode: 'a' },
      { fast: 5, slow: 20, mode: 'b' },
      { fast: 5, slow: 40, mode: 'a' },
    ]);
    expect(points.at(-1)).toStrictEqual({ fast: 10, slow: 60, mode: 'b' });
    expect(new Set(points.map((point) => JSON.stringify(point))).size).toBe(points.length);
  });
});
