/**
 * historicalBarsCsv: loaded bars written as one --data CSV file load back as the same bars, at
 * every timeframe (the file holds bars already aggregated, which the loader aggregates again) and
 * for equities and crypto. A sweep on AWS sends its grid points exactly these bytes.
 */
import { describe, expect, it } from 'vitest';
import { historicalBarsCsv } from '../../../backtest/data/csv-bar-lines.ts';
import { TIMEFRAMES } from '../../../backtest/data/historical-bars.ts';
import { loadBars } from '../../../backtest/data/load-bars.ts';

describe('Function: historicalBarsCsv', () => {
  it.each(TIMEFRAMES)('writes %s bars that load back as the same columns', async (timeframe) => {
    const request = {
      symbols: ['AAPL', 'BTC/USD'],
      from: '2025-03-07',
      to: '2025-03-10',
      timeframe,
    } as const;
    const loaded = await loadBars({ ...request, source: { kind: 'seed', seed: 3 } });

    const csv = historicalBarsCsv(loaded);
    const again = await loadBars({
      ...request,
      source: { kind: 'csv', name: 'bars.csv', bytes: Buffer.from(csv) },
    });

    expect(loaded.length).toBeGreaterThan(0);
    expect(again).toStrictEqual(loaded);
    // The first bar starts at New York midnight of the 7th: a crypto minute, or a day of either.
    expect(csv.split('\n', 2)).toStrictEqual([
      'timestamp,symbol,open,high,low,close,volume',
      `2025-03-07T05:00:00.000000Z,${loaded.symbols[loaded.symbol[0]!]},${loaded.open[0]},${loaded.high[0]},${loaded.low[0]},${loaded.close[0]},${loaded.volume[0]}`,
    ]);
  });

  it('names the bytes it was given in what is wrong with them', async () => {
    const bytes = Buffer.from(
      'timestamp,symbol,open,high,low,close,volume\n2025-03-07T14:30:00Z,AAPL,1,0.5,1,1,1\n',
    );

    const failure = await loadBars({
      source: { kind: 'csv', name: 's3://bucket/sweeps/run/data/bars.csv', bytes },
      symbols: ['AAPL'],
      from: '2025-03-07',
      to: '2025-03-07',
      timeframe: '1Min',
    }).catch((error: Error) => error);

    expect((failure as Error).message).toBe(
      'bad bar data in s3://bucket/sweeps/run/data/bars.csv (1 problem):\n  s3://bucket/sweeps/run/data/bars.csv:2: high 0.5 is below max(open 1, close 1)',
    );
  });
});
