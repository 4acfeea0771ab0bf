import { describe, expect, it } from 'vitest';
import { numberFlag } from '../../../shared/cli/number-flag.ts';

describe('numberFlag', () => {
  const read = (text: string | undefined, range: Parameters<typeof numberFlag>[2]) => {
    const problems: string[] = [];
    return { value: numberFlag(text, 'n', range, problems), problems };
  };

  it('reads plain decimals within the range, bounds included', () => {
    expect(read('0', { min: 0, max: 10 })).toEqual({ value: 0, problems: [] });
    expect(read(' 10 ', { min: 0, max: 10 })).toEqual({ value: 10, problems: [] });
    expect(read('2.5', { min: 0, max: 10 })).toEqual({ value: 2.5, problems: [] });
  });

  it('gives nothing for an absent flag', () => {
    expect(read(undefined, { min: 0, max: 1 })).toEqual({ value: undefined, problems: [] });
  });

  it.each([
    ['1e3', 'what Number() would read as 1000'],
    ['0x10', 'hex'],
    ['Infinity', 'infinity'],
    ['', 'an empty value'],
    ['-1', 'a sign'],
    ['11', 'above the range'],
  ])('refuses %j (%s), naming the flag and quoting the value', (text) => {
    expect(read(text, { min: 0, max: 10 })).toEqual({
      value: undefined,
      problems: [`--n must be a number from 0 to 10, got ${JSON.stringify(text)}`],
    });
  });

  it('refuses a fraction where a whole number is asked, and the bound itself when exclusive', () => {
    expect(read('2.5', { min: 1, max: 5, integer: true }).problems).toEqual([
      '--n must be a whole number from 1 to 5, got "2.5"',
    ]);
    expect(read('0', { min: 0, max: 5, minExclusive: true }).problems).toEqual([
      '--n must be a number above 0 to 5, got "0"',
    ]);
    expect(read('0.1', { min: 0, max: 5, minExclusive: true }).value).toBe(0.1);
  });

  it('refuses a whole number beyond what a double holds exactly', () => {
    expect(read('9007199254740993', { min: 0, max: 2 ** 60, integer: true }).value).toBeUndefined();
  });
});
