/**
 * Minute bars to 5Min, 1Hour and 1Day bars as Alpaca aggregates them: a bar per bucket that has at
 * least one minute bar, labelled with the bucket's start; open the first open, high the highest
 * high, low the lowest low, close the last close, volume the sum.
 *
 * 5Min and 1Hour buckets start on clock boundaries (10:00, 10:05, …). New York is a whole number of
 * hours from UTC, so flooring the UTC instant gives the same boundaries without a time-zone lookup,
 * and keeps the repeated hour of a November night two buckets, as it is two hours. A 1Day bucket is
 * the New York calendar day and is labelled at its midnight (a half day is simply a shorter one).
 */
import { addDays, newYorkDate, newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { BarColumnsBuilder } from './bar-columns.ts';
import type { Timeframe } from './historical-bars.ts';

const US_PER_MINUTE = 60_000_000;
const BUCKET_US: Readonly<Record<Exclude<Timeframe, '1Day'>, number>> = {
  '1Min': US_PER_MINUTE,
  '5Min': 5 * US_PER_MINUTE,
  '1Hour': 60 * US_PER_MINUTE,
};

/** Maps a bar's start to its bucket's start; calls come in ascending order per symbol. */
type Bucketer = (startUs: number) => number;

function newYorkDayBucketer(): Bucketer {
  let dayStartUs = Number.POSITIVE_INFINITY;
  let nextDayStartUs = Number.NEGATIVE_INFINITY;
  return (startUs) => {
    if (startUs < dayStartUs || startUs >= nextDayStartUs) {
      const date = newYorkDate(Math.floor(startUs / 1000));
      dayStartUs = newYorkToUtcMs(date, 0) * 1000;
      nextDayStartUs = newYorkToUtcMs(addDays(date, 1), 0) * 1000;
    }
    return dayStartUs;
  };
}

function bucketerFor(timeframe: Timeframe): Bucketer {
  if (timeframe === '1Day') return newYorkDayBucketer();
  const size = BUCKET_US[timeframe];
  return (startUs) => Math.floor(startUs / size) * size;
}

/**
 * The bars of every symbol of `minuteBars` aggregated to the timeframe, in a new builder with the
 * same symbol indices; 1Min returns the input as it is.
 */
export function aggregateBars(minuteBars: BarColumnsBuilder, timeframe: Timeframe): BarColumnsBuilder {
  if (timeframe === '1Min') return minuteBars;
  const aggregated = new BarColumnsBuilder();
  for (const symbol of minuteBars.symbols) {
    const index = aggregated.symbolIndex(symbol);
    const bars = minuteBars.series(minuteBars.symbolIndex(symbol));
    const bucketOf = bucketerFor(timeframe);
    let i = 0;
    while (i < bars.length) {
      const bucketUs = bucketOf(bars.startUs[i]!);
      const open = bars.open[i]!;
      let high = bars.high[i]!;
      let low = bars.low[i]!;
      let close = bars.close[i]!;
      let volume = bars.volume[i]!;
      for (i++; i < bars.length && bucketOf(bars.startUs[i]!) === bucketUs; i++) {
        if (bars.high[i]! > high) high = bars.high[i]!;
        if (bars.low[i]! < low) low = bars.low[i]!;
        close = bars.close[i]!;
        volume += bars.volume[i]!;
      }
      const problem = aggregated.append(index, bucketUs, open, high, low, close, volume);
      // Valid minute bars in ascending order always make valid buckets in ascending order.
      if (problem !== undefined) throw new Error(`aggregating ${symbol} to ${timeframe}: ${problem}`);
    }
  }
  return aggregated;
}
