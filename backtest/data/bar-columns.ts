/**
 * Collects bars symbol by symbol, each symbol's in strictly increasing time, and merges them into
 * one HistoricalBars in time order (ties by symbol index). Every data source appends here, so one
 * place decides what a valid bar is: finite, positive prices with the low and high around the open
 * and close, a volume that is not negative, a start after the symbol's previous one.
 */
import type { HistoricalBars, Timeframe } from './historical-bars.ts';

/** One symbol's bars so far: views of the builder's storage, valid until its next append. */
export interface BarSeries {
  readonly length: number;
  readonly startUs: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export interface BuildOptions {
  readonly timeframe: Timeframe;
  /** The symbols of the result, in its order; default every symbol seen, sorted. */
  readonly symbols?: readonly string[];
  /** Keeps bars starting in [fromUs, toUs); default all. */
  readonly fromUs?: number;
  readonly toUs?: number;
  /** Columns on one SharedArrayBuffer, so a sweep's worker threads read them without copies. */
  readonly shared?: boolean;
}

const INITIAL_CAPACITY = 1024;
/** The symbol column is a Uint16Array. */
const MAX_SYMBOLS = 65_536;

class GrowableSeries implements BarSeries {
  length = 0;
  startUs: Float64Array = new Float64Array(INITIAL_CAPACITY);
  open: Float64Array = new Float64Array(INITIAL_CAPACITY);
  high: Float64Array = new Float64Array(INITIAL_CAPACITY);
  low: Float64Array = new Float64Array(INITIAL_CAPACITY);
  close: Float64Array = new Float64Array(INITIAL_CAPACITY);
  volume: Float64Array = new Float64Array(INITIAL_CAPACITY);

  push(startUs: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.length === this.startUs.length) this.#grow(this.length * 2);
    const i = this.length++;
    this.startUs[i] = startUs;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  reserve(capacity: number): void {
    if (this.startUs.length < capacity) this.#grow(capacity);
  }

  view(): BarSeries {
    const n = this.length;
    return {
      length: n,
      startUs: this.startUs.subarray(0, n),
      open: this.open.subarray(0, n),
      high: this.high.subarray(0, n),
      low: this.low.subarray(0, n),
      close: this.close.subarray(0, n),
      volume: this.volume.subarray(0, n),
    };
  }

  #grow(capacity: number): void {
    const grown = (column: Float64Array): Float64Array => {
      const next = new Float64Array(capacity);
      next.set(column);
      return next;
    };
    this.startUs = grown(this.startUs);
    this.open = grown(this.open);
    this.high = grown(this.high);
    this.low = grown(this.low);
    this.close = grown(this.close);
    this.volume = grown(this.volume);
  }
}

function isoUs(us: number): string {
  return new Date(us / 1000).toISOString();
}

/** What is wrong with a bar's values, or undefined. */
export function barValueProblem(
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | undefined {
  // The common case in one expression (NaN fails every comparison); the messages only when it fails.
  if (
    low > 0 &&
    low <= open &&
    low <= close &&
    high >= open &&
    high >= close &&
    high < Number.POSITIVE_INFINITY
  )
    if (volume >= 0 && volume < Number.POSITIVE_INFINITY) return undefined;
  const prices = { open, high, low, close };
  for (const [name, value] of Object.entries(prices)) {
    if (!Number.isFinite(value)) return `${name} is not a finite number (${value})`;
    if (value <= 0) return `${name} must be above 0, got ${value}`;
  }
  if (!Number.isFinite(volume)) return `volume is not a finite number (${volume})`;
  if (volume < 0) return `volume must not be negative, got ${volume}`;
  if (high < Math.max(open, close)) return `high ${high} is below max(open ${open}, close ${close})`;
  return `low ${low} is above min(open ${open}, close ${close})`;
}

export class BarColumnsBuilder {
  readonly #symbols: string[] = [];
  readonly #indexOf = new Map<string, number>();
  readonly #series: GrowableSeries[] = [];

  /** Every symbol seen, in the order first seen (their indices). */
  get symbols(): readonly string[] {
    return this.#symbols;
  }

  /** The index of a symbol, which is added on first use. */
  symbolIndex(symbol: string): number {
    const known = this.#indexOf.get(symbol);
    if (known !== undefined) return known;
    if (this.#symbols.length === MAX_SYMBOLS) throw new RangeError(`more than ${MAX_SYMBOLS} symbols`);
    const index = this.#symbols.length;
    this.#symbols.push(symbol);
    this.#indexOf.set(symbol, index);
    this.#series.push(new GrowableSeries());
    return index;
  }

  /**
   * Appends a bar of the symbol at `symbol` (an index from symbolIndex). A bar that is not valid
   * is not kept: the answer says what is wrong with it (the caller knows where it came from).
   */
  append(
    symbol: number,
    startUs: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): string | undefined {
    const series = this.#series[symbol]!;
    if (!Number.isFinite(startUs)) return `start is not a finite time (${startUs})`;
    const problem = barValueProblem(open, high, low, close, volume);
    if (problem !== undefined) return problem;
    if (series.length > 0) {
      const previousUs = series.startUs[series.length - 1]!;
      if (startUs === previousUs)
        return `duplicate bar: ${this.#symbols[symbol]} already has a bar at ${isoUs(startUs)}`;
      if (startUs < previousUs)
        return `out of order: ${this.#symbols[symbol]} at ${isoUs(startUs)} comes after its bar at ${isoUs(previousUs)}`;
    }
    series.push(startUs, open, high, low, close, volume);
    return undefined;
  }

  /** Makes room for `count` bars of a symbol at once, when a source knows how many are coming. */
  reserve(symbol: number, count: number): void {
    this.#series[symbol]!.reserve(count);
  }

  series(symbol: number): BarSeries {
    return this.#series[symbol]!.view();
  }

  /** Merges the symbols' bars in time order, ties by the result's symbol order. */
  build(options: BuildOptions): HistoricalBars {
    const symbols = options.symbols ?? [...this.#symbols].sort();
    const fromUs = options.fromUs ?? Number.NEGATIVE_INFINITY;
    const toUs = options.toUs ?? Number.POSITIVE_INFINITY;
    const sources = symbols.map((symbol) => {
      const index = this.#indexOf.get(symbol);
      return index === undefined ? new GrowableSeries().view() : this.#series[index]!.view();
    });
    // Each symbol's bars in range are one contiguous run: [next, end).
    const next = sources.map((series) => firstAtOrAfter(series.startUs, fromUs));
    const end = sources.map((series) => firstAtOrAfter(series.startUs, toUs));
    const length = next.reduce((sum, start, k) => sum + end[k]! - start, 0);
    const columns = allocateColumns(length, options.shared === true);
    for (let i = 0; i < length; i++) {
      // Few symbols, so a scan beats a heap; the strict < keeps ties in symbol order.
      let pick = -1;
      let pickUs = Number.POSITIVE_INFINITY;
      for (let k = 0; k < sources.length; k++) {
        if (next[k]! < end[k]! && sources[k]!.startUs[next[k]!]! < pickUs) {
          pick = k;
          pickUs = sources[k]!.startUs[next[k]!]!;
        }
      }
      const source = sources[pick]!;
      const j = next[pick]!++;
      columns.symbol[i] = pick;
      columns.startUs[i] = pickUs;
      columns.open[i] = source.open[j]!;
      columns.high[i] = source.high[j]!;
      columns.low[i] = source.low[j]!;
      columns.close[i] = source.close[j]!;
      columns.volume[i] = source.volume[j]!;
    }
    return { symbols: [...symbols], timeframe: options.timeframe, length, ...columns };
  }
}

/** Index of the first start at or after `us` in an ascending column. */
function firstAtOrAfter(starts: Float64Array, us: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (starts[middle]! < us) low = middle + 1;
    else high = middle;
  }
  return low;
}

type Columns = Pick<HistoricalBars, 'symbol' | 'startUs' | 'open' | 'high' | 'low' | 'close' | 'volume'>;

function allocateColumns(length: number, shared: boolean): Columns {
  if (!shared) {
    return {
      symbol: new Uint16Array(length),
      startUs: new Float64Array(length),
      open: new Float64Array(length),
      high: new Float64Array(length),
      low: new Float64Array(length),
      close: new Float64Array(length),
      volume: new Float64Array(length),
    };
  }
  // One buffer: the six float columns first (8-byte aligned), the symbol column after them.
  const floatBytes = length * Float64Array.BYTES_PER_ELEMENT;
  const buffer = new SharedArrayBuffer(6 * floatBytes + length * Uint16Array.BYTES_PER_ELEMENT);
  const float = (k: number): Float64Array => new Float64Array(buffer, k * floatBytes, length);
  return {
    startUs: float(0),
    open: float(1),
    high: float(2),
    low: float(3),
    close: float(4),
    volume: float(5),
    symbol: new Uint16Array(buffer, 6 * floatBytes, length),
  };
}
