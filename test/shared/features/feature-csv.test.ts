import { describe, expect, it } from 'vitest';
import { parseFeatureCsv } from '../../../shared/features/feature-csv.ts';

describe('Function: parseFeatureCsv', () => {
  it('reads a header and rows of numbers; empty cells and nan are missing', () => {
    const table = parseFeatureCsv('a,b,c\r\n1,-2.5e-3,\r\nnan, 4 ,NaN\r\n\r\n', 'f.csv', ['a', 'b', 'c']);
    expect(table.columns).toStrictEqual(['a', 'b', 'c']);
    expect(table.rows.map((row) => [...row])).toStrictEqual([
      [1, -0.0025, Number.NaN],
      [Number.NaN, 4, Number.NaN],
    ]);
  });

  it.each([
    ['', undefined, 'f.csv: the file is empty (expected a header of feature names)'],
    [
      'b,a\n1,2\n',
      ['a', 'b'],
      "f.csv: line 1: the header must be the model's features in order:\n  expected a,b\n  got      b,a",
    ],
    ['a,b\n1,2\n3\n', undefined, 'f.csv: line 3: 1 cells, expected 2'],
    ['a,b\n1,2\n3,x\n', undefined, 'f.csv: line 3, column b: "x" is not a number'],
    ['a,b\n1,Infinity\n', undefined, 'f.csv: line 2, column b: "Infinity" is not a number'],
  ])('refuses %j naming the line', (text, expected, message) => {
    expect(() => parseFeatureCsv(text, 'f.csv', expected)).toThrow(message);
  });
});
