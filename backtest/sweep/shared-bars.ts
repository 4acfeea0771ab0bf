/**
 * Bars a sweep's workers read without a copy each: every column moved into a SharedArrayBuffer
 * once, so passing the result as workerData gives each thread views of the same memory.
 */
import type { HistoricalBars } from '../data/historical-bars.ts';

type Column = Uint16Array | Float64Array;

function isShared(column: Column): boolean {
  return column.buffer instanceof SharedArrayBuffer;
}

function shareColumn<C extends Column>(column: C, make: (buffer: SharedArrayBuffer) => C): C {
  if (isShared(column)) return column;
  const shared = make(new SharedArrayBuffer(column.byteLength));
  shared.set(column);
  return shared;
}

/** The same bars with SharedArrayBuffer-backed columns (columns already shared are kept as they are). */
export function shareBars(bars: HistoricalBars): HistoricalBars {
  const float = (column: Float64Array) => shareColumn(column, (buffer) => new Float64Array(buffer));
  return {
    symbols: bars.symbols,
    timeframe: bars.timeframe,
    length: bars.length,
    symbol: shareColumn(bars.symbol, (buffer) => new Uint16Array(buffer)),
    startUs: float(bars.startUs),
    open: float(bars.open),
    high: float(bars.high),
    low: float(bars.low),
    close: float(bars.close),
    volume: float(bars.volume),
  };
}
