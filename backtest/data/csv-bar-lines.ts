/**
 * Bars written in the `--data` CSV format (csv-bars.ts), so what is written reads back as the same
 * numbers: the start in RFC 3339 to the microsecond, prices and volumes as JavaScript writes a
 * number (its shortest form that parses back to the same double).
 */
import { formatRfc3339Us } from '../../shared/broker/alpaca/market-data/rfc3339.ts';
import { CSV_COLUMNS } from './csv-bars.ts';
import type { HistoricalBars } from './historical-bars.ts';

export const CSV_HEADER = CSV_COLUMNS.join(',');

export function csvBarLine(
  startUs: number,
  symbol: string,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string {
  return `${formatRfc3339Us(startUs)},${symbol},${open},${high},${low},${close},${volume}`;
}

/** Every bar, in the bars' order, under the header: one file a `--data` run would load as these bars. */
export function historicalBarsCsv(bars: HistoricalBars): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < bars.length; i++) {
    lines.push(
      csvBarLine(
        bars.startUs[i]!,
        bars.symbols[bars.symbol[i]!]!,
        bars.open[i]!,
        bars.high[i]!,
        bars.low[i]!,
        bars.close[i]!,
        bars.volume[i]!,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
