/**
 * The --data source: CSV and replay files, one or a directory of them, every validation rule with
 * the file and line it names.
 */
import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarDataError, MAX_REPORTED_PROBLEMS } from '../../../backtest/data/bar-data-error.ts';
import { loadBarFiles } from '../../../backtest/data/bar-files.ts';
import { tempFolder } from '../../support/temp-files.ts';

const HEADER = 'timestamp,symbol,open,high,low,close,volume';
/** 2024-03-08 14:30 UTC = 09:30 New York (EST). */
const T0_MS = Date.UTC(2024, 2, 8, 14, 30);
const MINUTE_MS = 60_000;

let folder: ReturnType<typeof tempFolder>;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

function loadError(path: string): BarDataError {
  try {
    loadBarFiles(path);
  } catch (error) {
    if (error instanceof BarDataError) return error;
    throw error;
  }
  throw new Error(`${path} loaded without an error`);
}

function closes(path: string, symbol: string): number[] {
  const bars = loadBarFiles(path);
  const series = bars.series(bars.symbolIndex(symbol));
  return [...series.close];
}

describe('Function: loadBarFiles (CSV)', () => {
  it('reads RFC 3339 with any zone, dates, epoch seconds and epoch milliseconds to the same instants', () => {
    const file = folder.write(
      'bars.csv',
      [
        HEADER,
        '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,100',
        '2024-03-08T09:31:00-05:00,AAPL,10,11,9,10.5,100',
        '2024-03-08 14:32:00.000+00:00,AAPL,10,11,9,10.5,100',
        `${(T0_MS + 3 * MINUTE_MS) / 1000},AAPL,10,11,9,10.5,100`,
        `${T0_MS + 4 * MINUTE_MS},AAPL,10,11,9,10.5,100`,
        '2024-03-09,AAPL,10,11,9,10.5,100',
      ].join('\n'),
    );

    const bars = loadBarFiles(file);

    const starts = [...bars.series(bars.symbolIndex('AAPL')).startUs].map((us) => us / 1000);
    expect(starts).toStrictEqual([
      T0_MS,
      T0_MS + MINUTE_MS,
      T0_MS + 2 * MINUTE_MS,
      T0_MS + 3 * MINUTE_MS,
      T0_MS + 4 * MINUTE_MS,
      Date.UTC(2024, 2, 9, 5, 0),
    ]);
  });

  it('takes the columns in any order, a BOM, CRLF line ends and blank lines', () => {
    const file = folder.write(
      'bars.csv',
      '\ufeffVolume,close,low,high,open,symbol,timestamp\r\n100,10.5,9,11,10,MSFT,2024-03-08T14:30:00Z\r\n\r\n7,20.25,19,21,20,MSFT,2024-03-08T14:31:00Z\r\n',
    );

    const bars = loadBarFiles(file);

    const series = bars.series(bars.symbolIndex('MSFT'));
    expect([...series.open]).toStrictEqual([10, 20]);
    expect([...series.high]).toStrictEqual([11, 21]);
    expect([...series.low]).toStrictEqual([9, 19]);
    expect([...series.close]).toStrictEqual([10.5, 20.25]);
    expect([...series.volume]).toStrictEqual([100, 7]);
  });

  it('reads numbers exactly as Number does, exponents included', () => {
    const file = folder.write(
      'bars.csv',
      `${HEADER}\n2024-03-08T14:30:00Z,AAPL,0.1,123456.789012345,1e-1,0.3,1.5e3\n`,
    );

    const bars = loadBarFiles(file);

    const series = bars.series(0);
    expect([series.open[0], series.high[0], series.low[0], series.close[0], series.volume[0]]).toStrictEqual([
      0.1, 123456.789012345, 0.1, 0.3, 1500,
    ]);
  });

  it('normalises symbols: the legacy crypto spelling BTCUSD is BTC/USD', () => {
    const file = folder.write(
      'bars.csv',
      `${HEADER}\n2024-03-08T14:30:00Z,BTCUSD,65000,65010,64990,65005,0.5\n`,
    );

    expect(loadBarFiles(file).symbols).toStrictEqual(['BTC/USD']);
  });

  it.each([
    [
      'wrong column count',
      '2024-03-08T14:31:00Z,AAPL,10,11,9,10.5',
      'expected 7 fields as the header names them, got 6',
    ],
    [
      'an extra field',
      '2024-03-08T14:31:00Z,AAPL,10,11,9,10.5,1,2',
      'expected 7 fields as the header names them, got 8',
    ],
    ['a word for a price', '2024-03-08T14:31:00Z,AAPL,ten,11,9,10.5,1', 'open "ten" is not a number'],
    ['an empty volume', '2024-03-08T14:31:00Z,AAPL,10,11,9,10.5,', 'volume "" is not a number'],
    ['hexadecimal', '2024-03-08T14:31:00Z,AAPL,10,0x1F,9,10.5,1', 'high "0x1F" is not a number'],
    [
      'an infinite price',
      '2024-03-08T14:31:00Z,AAPL,10,Infinity,9,10.5,1',
      'high is not a finite number (Infinity)',
    ],
    ['a zero price', '2024-03-08T14:31:00Z,AAPL,0,11,9,10.5,1', 'open must be above 0, got 0'],
    ['a negative price', '2024-03-08T14:31:00Z,AAPL,10,11,-9,10.5,1', 'low must be above 0, got -9'],
    ['a negative volume', '2024-03-08T14:31:00Z,AAPL,10,11,9,10.5,-1', 'volume must not be negative, got -1'],
    [
      'high below the close',
      '2024-03-08T14:31:00Z,AAPL,10,10.4,9,10.5,1',
      'high 10.4 is below max(open 10, close 10.5)',
    ],
    [
      'low above the open',
      '2024-03-08T14:31:00Z,AAPL,10,11,10.2,10.5,1',
      'low 10.2 is above min(open 10, close 10.5)',
    ],
    [
      'a timestamp without a zone',
      '2024-03-08T14:31:00,AAPL,10,11,9,10.5,1',
      'timestamp "2024-03-08T14:31:00" is not RFC 3339 with a zone',
    ],
    ['an impossible date', '2024-02-30,AAPL,10,11,9,10.5,1', 'timestamp "2024-02-30" is not RFC 3339'],
    ['a fractional epoch', '1709908260.5,AAPL,10,11,9,10.5,1', 'timestamp "1709908260.5" is not RFC 3339'],
    [
      'a bad symbol',
      '2024-03-08T14:31:00Z,aapl!,10,11,9,10.5,1',
      'symbol: "aapl!" is neither an equity ticker',
    ],
    [
      'a duplicate',
      '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,1',
      'duplicate bar: AAPL already has a bar at 2024-03-08T14:30:00.000Z',
    ],
    [
      'an earlier bar',
      '2024-03-08T14:29:00Z,AAPL,10,11,9,10.5,1',
      'out of order: AAPL at 2024-03-08T14:29:00.000Z comes after its bar at 2024-03-08T14:30:00.000Z',
    ],
  ])('reports %s with its file and line', (_, badLine, message) => {
    const file = folder.write(
      'bars.csv',
      [
        HEADER,
        '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,100',
        '',
        badLine,
        '2024-03-08T14:32:00Z,AAPL,10,11,9,10.5,1',
      ].join('\n'),
    );

    const error = loadError(file);

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(`${file}:4: ${message}`);
    expect(error.message).toContain(`bad bar data in ${file} (1 problem):`);
  });

  it('keeps symbols apart: another symbol at the same instant is no duplicate', () => {
    const file = folder.write(
      'bars.csv',
      [HEADER, '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,1', '2024-03-08T14:30:00Z,SPY,500,501,499,500,1'].join(
        '\n',
      ),
    );

    expect(loadBarFiles(file).symbols).toStrictEqual(['AAPL', 'SPY']);
  });

  it.each([
    ['a missing column', 'timestamp,symbol,open,high,low,close'],
    ['an unknown column', `${HEADER},vwap`],
    ['a repeated column', 'timestamp,symbol,open,high,low,close,close'],
    ['no header at all', '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,1'],
  ])('refuses a header with %s, saying the rule', (_, header) => {
    const file = folder.write('bars.csv', `${header}\n2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,1\n`);

    const error = loadError(file);

    expect(error.problems).toStrictEqual([
      `${file}:1: the header must name the columns timestamp,symbol,open,high,low,close,volume in any order and no others (symbol may be left out when the file is named after its symbol, e.g. AAPL.csv or BTC-USD.csv); got "${header}"`,
    ]);
  });

  it('reports the first 20 problems and stops', () => {
    const lines = [HEADER];
    for (let i = 0; i < 50; i++)
      lines.push(`2024-03-08T14:${String(i).padStart(2, '0')}:00Z,AAPL,10,11,9,10.5,-1`);
    const file = folder.write('bars.csv', lines.join('\n'));

    const error = loadError(file);

    expect(error.problems).toHaveLength(MAX_REPORTED_PROBLEMS);
    expect(error.problems[0]).toBe(`${file}:2: volume must not be negative, got -1`);
    expect(error.problems[19]).toBe(`${file}:21: volume must not be negative, got -1`);
    expect(error.message).toContain('(stopped at the first 20 problems)');
  });

  it('names a file that cannot be read, and a file of an unknown kind', () => {
    expect(loadError(folder.path('missing.csv')).message).toBe(
      `cannot read ${folder.path('missing.csv')}: ENOENT`,
    );
    const text = folder.write('bars.txt', HEADER);
    expect(loadError(text).message).toBe(`${text}: a data file must end in .csv, .ndjson, .jsonl`);
  });
});

describe('Function: loadBarFiles (directory)', () => {
  it('reads every data file, a symbol per file named after it, in name order', () => {
    mkdirSync(folder.path('data'));
    folder.write(
      'data/AAPL.csv',
      'timestamp,open,high,low,close,volume\n2024-03-08T14:30:00Z,10,11,9,10.5,1\n',
    );
    folder.write(
      'data/BTC-USD.csv',
      'timestamp,open,high,low,close,volume\n2024-03-08T14:30:00Z,65000,65100,64900,65050,1\n',
    );
    folder.write(
      'data/more.csv',
      `${HEADER}\n2024-03-08T14:31:00Z,AAPL,10.5,11,10,10.75,1\n2024-03-08T14:30:00Z,SPY,500,501,499,500,1\n`,
    );
    folder.write('data/notes.txt', 'not data');

    const bars = loadBarFiles(folder.path('data'));

    expect(bars.symbols).toStrictEqual(['AAPL', 'BTC/USD', 'SPY']);
    expect(closes(folder.path('data'), 'AAPL')).toStrictEqual([10.5, 10.75]);
  });

  it('collects the problems of every file, and says so when a file name is no symbol', () => {
    mkdirSync(folder.path('data'));
    folder.write('data/a.csv', `${HEADER}\n2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,-1\n`);
    folder.write('data/b.csv', 'timestamp,open,high,low,close,volume\n2024-03-08T14:30:00Z,10,11,9,10.5,1\n');

    const error = loadError(folder.path('data'));

    expect(error.problems).toHaveLength(2);
    expect(error.problems[0]).toBe(`${folder.path('data/a.csv')}:2: volume must not be negative, got -1`);
    expect(error.problems[1]).toContain(
      `${folder.path('data/b.csv')}:1: no symbol column, and the file name "b" is not a symbol`,
    );
  });

  it('refuses a directory without data files', () => {
    mkdirSync(folder.path('empty'));

    expect(loadError(folder.path('empty')).message).toBe(
      `${folder.path('empty')}: no data file (.csv, .ndjson, .jsonl) in it`,
    );
  });
});
