/** loadBars, the one entry of the backtest command: request checks, range, symbols, timeframe, sharing. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BarDataError } from '../../../backtest/data/bar-data-error.ts';
import { type LoadBarsRequest, loadBars } from '../../../backtest/data/load-bars.ts';
import { tempFolder } from '../../support/temp-files.ts';

const HEADER = 'timestamp,symbol,open,high,low,close,volume';

let folder: ReturnType<typeof tempFolder>;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

async function loadError(request: LoadBarsRequest): Promise<BarDataError> {
  const error = await loadBars(request).catch((caught: unknown) => caught);
  if (error instanceof BarDataError) return error;
  throw new Error(`expected a BarDataError, got ${String(error)}`);
}

describe('Function: loadBars', () => {
  it('keeps the symbols asked for, in their order, and the New York dates from–to inclusive', async () => {
    const file = folder.write(
      'bars.csv',
      [
        HEADER,
        // 2024-03-07 23:59 New York (04:59 UTC on the 8th) is before the range.
        '2024-03-08T04:59:00Z,AAPL,1,1,1,1,1',
        '2024-03-08T14:30:00Z,AAPL,2,2,2,2,1',
        '2024-03-08T14:30:00Z,MSFT,3,3,3,3,1',
        '2024-03-08T14:30:00Z,SPY,4,4,4,4,1',
        '2024-03-09T04:59:00Z,MSFT,5,5,5,5,1',
        // 2024-03-09 00:00 New York is after the range.
        '2024-03-09T05:00:00Z,AAPL,6,6,6,6,1',
      ].join('\n'),
    );

    const bars = await loadBars({
      source: { kind: 'files', path: file },
      symbols: ['MSFT', 'AAPL'],
      from: '2024-03-08',
      to: '2024-03-08',
      timeframe: '1Min',
    });

    expect(bars.symbols).toStrictEqual(['MSFT', 'AAPL']);
    expect(bars.timeframe).toBe('1Min');
    expect([...bars.close]).toStrictEqual([3, 2, 5]);
    expect([...bars.symbol]).toStrictEqual([0, 1, 0]);
  });

  it('aggregates to the timeframe asked for', async () => {
    const file = folder.write(
      'bars.csv',
      [
        HEADER,
        '2024-03-08T14:30:00Z,AAPL,10,11,9,10.5,1',
        '2024-03-08T14:34:00Z,AAPL,10.5,12,10,11,2',
        '2024-03-08T14:35:00Z,AAPL,11,11,11,11,3',
      ].join('\n'),
    );

    const bars = await loadBars({
      source: { kind: 'files', path: file },
      symbols: ['AAPL'],
      from: '2024-03-08',
      to: '2024-03-08',
      timeframe: '5Min',
    });

    expect(bars.timeframe).toBe('5Min');
    expect([...bars.open]).toStrictEqual([10, 11]);
    expect([...bars.high]).toStrictEqual([12, 11]);
    expect([...bars.volume]).toStrictEqual([3, 3]);
  });

  it('generates the seed market, on a SharedArrayBuffer when asked', async () => {
    const bars = await loadBars({
      source: { kind: 'seed', seed: 1 },
      symbols: ['SPY', 'ETH/USD'],
      from: '2024-03-11',
      to: '2024-03-12',
      timeframe: '1Hour',
      shared: true,
    });

    expect(bars.startUs.buffer).toBeInstanceOf(SharedArrayBuffer);
    // ETH/USD: 48 hours; SPY: 09:30-16:00 touches 7 clock hours on each of 2 days.
    expect(bars.length).toBe(48 + 14);
    for (let i = 1; i < bars.length; i++) {
      const previous = bars.startUs[i - 1]!;
      expect(
        bars.startUs[i]! > previous ||
          (bars.startUs[i] === previous && bars.symbol[i]! > bars.symbol[i - 1]!),
      ).toBe(true);
    }
  });

  it('names a symbol that has no bars in the range', async () => {
    const file = folder.write('bars.csv', `${HEADER}\n2024-03-08T14:30:00Z,AAPL,1,1,1,1,1\n`);

    const error = await loadError({
      source: { kind: 'files', path: file },
      symbols: ['AAPL', 'TSLA', 'BTC/USD'],
      from: '2024-03-08',
      to: '2024-03-08',
      timeframe: '1Day',
    });

    expect(error.message).toBe(`no bars for TSLA, BTC/USD from 2024-03-08 to 2024-03-08 in ${file}`);
  });

  it('reports every mistake of the request at once', async () => {
    const error = await loadError({
      source: { kind: 'seed', seed: -1 },
      symbols: ['AAPL', 'aapl', 'BTCUSD', 'BTC/USD'],
      from: '2024-02-30',
      to: '2024-01-01',
      timeframe: '2Min' as never,
    });

    expect(error.problems).toStrictEqual([
      '"aapl" is neither an equity ticker (1-6 upper-case letters/digits, optional .CLASS) nor a crypto pair like BTC/USD',
      'BTC/USD is asked for twice',
      'from must be a date as YYYY-MM-DD, got "2024-02-30"',
      'timeframe must be one of 1Min, 5Min, 1Hour, 1Day, got "2Min"',
      'the seed must be a whole number from 0 to 4294967295, got -1',
    ]);
    expect(error.message.startsWith('cannot load bars:\n  "aapl" is neither')).toBe(true);
  });

  it('refuses a range that ends before it starts', async () => {
    const error = await loadError({
      source: { kind: 'seed', seed: 1 },
      symbols: ['AAPL'],
      from: '2024-03-08',
      to: '2024-03-07',
      timeframe: '1Min',
    });

    expect(error.problems).toStrictEqual(['to (2024-03-07) is before from (2024-03-08)']);
  });
});
