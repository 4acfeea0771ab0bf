/** The --data source's replay files: the simulator's NDJSON, minute bars taken, updated bars applied. */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarDataError } from '../../../backtest/data/bar-data-error.ts';
import { loadBarFiles } from '../../../backtest/data/bar-files.ts';
import { tempFolder } from '../../support/temp-files.ts';

const SAMPLE = join(import.meta.dirname, '../../fixtures/marketdata/replay-sample.ndjson');

function bar(type: 'b' | 'u' | 'd', symbol: string, minute: number, close: number, volume = 10): string {
  const t = new Date(Date.UTC(2024, 2, 8, 14, 30 + minute)).toISOString().replace('.000', '');
  return JSON.stringify({
    T: type,
    S: symbol,
    o: close,
    h: close + 1,
    l: close - 1,
    c: close,
    v: volume,
    n: 1,
    vw: close,
    t,
  });
}

let folder: ReturnType<typeof tempFolder>;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

describe('Function: loadBarFiles (replay NDJSON)', () => {
  it('reads the minute bars of a simulator recording and passes over its quotes, trades and books', () => {
    const bars = loadBarFiles(SAMPLE);

    expect(bars.symbols).toStrictEqual(['AAPL', 'BTC/USD']);
    const aapl = bars.series(bars.symbolIndex('AAPL'));
    expect(aapl.length).toBe(1);
    expect([
      aapl.startUs[0],
      aapl.open[0],
      aapl.high[0],
      aapl.low[0],
      aapl.close[0],
      aapl.volume[0],
    ]).toStrictEqual([Date.UTC(2026, 10, 24, 15) * 1000, 190, 190.11, 189.92, 189.92, 3374]);
  });

  it('lets an updated bar replace the minute bar it corrects, and ignores daily bars', () => {
    const file = folder.write(
      'day.ndjson',
      [
        '# comment lines and blank lines are skipped',
        bar('b', 'AAPL', 0, 10),
        '',
        bar('u', 'AAPL', 0, 11, 25),
        bar('b', 'AAPL', 1, 12),
        bar('d', 'AAPL', 0, 99),
      ].join('\n'),
    );

    const bars = loadBarFiles(file);

    const series = bars.series(0);
    expect([...series.close]).toStrictEqual([11, 12]);
    expect([...series.volume]).toStrictEqual([25, 10]);
  });

  it('reports bad lines, bad bars and stray updated bars with their lines', () => {
    const file = folder.write(
      'bad.ndjson',
      [
        bar('b', 'AAPL', 0, 10),
        '{"T":"b","S":"AAPL"',
        bar('u', 'AAPL', 5, 11),
        bar('b', 'AAPL', 1, 12),
        bar('b', 'AAPL', 1, 13),
        JSON.stringify({
          T: 'b',
          S: 'AAPL',
          o: 10,
          h: 9,
          l: 8,
          c: 10,
          v: 1,
          n: 1,
          vw: 10,
          t: '2024-03-08T14:40:00Z',
        }),
      ].join('\n'),
    );

    let error: unknown;
    try {
      loadBarFiles(file);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(BarDataError);
    expect((error as BarDataError).problems).toStrictEqual([
      `${file}:2: not valid JSON`,
      `${file}:3: an updated bar of AAPL for 2024-03-08T14:35:00.000Z does not correct its latest minute bar (2024-03-08T14:30:00.000Z)`,
      `${file}:5: duplicate bar: AAPL already has a bar at 2024-03-08T14:31:00.000Z`,
      `${file}:6: high 9 is below max(open 10, close 10)`,
    ]);
  });
});
