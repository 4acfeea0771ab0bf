/**
 * The one entry the backtest command calls for its bars: a source (a seed, data files, Alpaca, or
 * a CSV file's bytes),
 * the symbols, New York dates from and to (inclusive) and a timeframe, to a HistoricalBars of just
 * those symbols (in the order given) and that range. Every source yields minute bars (or whatever
 * its files hold) that are aggregated here. Whatever is wrong is a BarDataError whose message is
 * for the person who typed the command.
 */
import { parseSymbol } from '../../shared/domain/symbol.ts';
import { addDays, newYorkToUtcMs, parseIsoDate } from '../../shared/time/new-york-time.ts';
import { type AlpacaBarsOptions, loadAlpacaBars } from './alpaca-bars.ts';
import type { BarColumnsBuilder } from './bar-columns.ts';
import { BarDataError } from './bar-data-error.ts';
import { loadBarFiles, loadCsvBytes } from './bar-files.ts';
import { generateBars } from './generated-bars.ts';
import { type HistoricalBars, TIMEFRAMES, type Timeframe } from './historical-bars.ts';
import { aggregateBars } from './timeframe-aggregation.ts';

export type BarSource =
  /** The simulator's generated market (--seed). */
  | { readonly kind: 'seed'; readonly seed: number }
  /** A CSV or replay file, or a directory of them (--data). */
  | { readonly kind: 'files'; readonly path: string }
  /** Alpaca's market-data REST with a disk cache (--alpaca). */
  | { readonly kind: 'alpaca'; readonly alpaca: AlpacaBarsOptions }
  /** A CSV file's bytes already in memory, `name` standing for the file (a sweep's grid point on AWS). */
  | { readonly kind: 'csv'; readonly name: string; readonly bytes: Buffer };

export interface LoadBarsRequest {
  readonly source: BarSource;
  readonly symbols: readonly string[];
  /** New York dates, YYYY-MM-DD, inclusive. */
  readonly from: string;
  readonly to: string;
  readonly timeframe: Timeframe;
  /** Columns on one SharedArrayBuffer, for a sweep's worker threads. */
  readonly shared?: boolean;
}

function isDate(text: string): boolean {
  try {
    const { year, month, day } = parseIsoDate(text);
    return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === text;
  } catch {
    return false;
  }
}

/** The request's symbols in their normal spelling; throws a BarDataError listing every mistake. */
function checkedRequest(request: LoadBarsRequest): readonly string[] {
  const problems: string[] = [];
  const symbols: string[] = [];
  if (request.symbols.length === 0) problems.push('no symbols asked for');
  for (const text of request.symbols) {
    const parsed = parseSymbol(text);
    if (!parsed.ok) problems.push(parsed.reason);
    else if (symbols.includes(parsed.instrument.symbol)) problems.push(`${text} is asked for twice`);
    else symbols.push(parsed.instrument.symbol);
  }
  for (const [name, date] of [
    ['from', request.from],
    ['to', request.to],
  ] as const)
    if (!isDate(date)) problems.push(`${name} must be a date as YYYY-MM-DD, got ${JSON.stringify(date)}`);
  if (isDate(request.from) && isDate(request.to) && request.to < request.from)
    problems.push(`to (${request.to}) is before from (${request.from})`);
  if (!TIMEFRAMES.includes(request.timeframe))
    problems.push(
      `timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${JSON.stringify(request.timeframe)}`,
    );
  const { source } = request;
  if (source.kind === 'seed' && !(Number.isInteger(source.seed) && source.seed >= 0 && source.seed < 2 ** 32))
    problems.push(`the seed must be a whole number from 0 to ${2 ** 32 - 1}, got ${source.seed}`);
  if (problems.length > 0) throw new BarDataError('cannot load bars:', problems);
  return symbols;
}

function describeSource(source: BarSource): string {
  switch (source.kind) {
    case 'seed':
      return `the generated market of seed ${source.seed}`;
    case 'files':
      return source.path;
    case 'alpaca':
      return `Alpaca's ${source.alpaca.feed ?? 'iex'} bars`;
    case 'csv':
      return source.name;
  }
}

async function minuteBars(source: BarSource, symbols: readonly string[], from: string, to: string) {
  switch (source.kind) {
    case 'seed':
      return generateBars({ seed: source.seed, symbols, from, to });
    case 'files':
      return loadBarFiles(source.path);
    case 'alpaca':
      return loadAlpacaBars(source.alpaca, { symbols, from, to });
    case 'csv':
      return loadCsvBytes(source.name, source.bytes);
  }
}

/** The bars of the request; throws a BarDataError (its message is for the user) when it cannot. */
export async function loadBars(request: LoadBarsRequest): Promise<HistoricalBars> {
  const symbols = checkedRequest(request);
  const { from, to, timeframe } = request;
  const loaded: BarColumnsBuilder = await minuteBars(request.source, symbols, from, to);
  const bars = aggregateBars(loaded, timeframe).build({
    timeframe,
    symbols,
    fromUs: newYorkToUtcMs(from, 0) * 1000,
    toUs: newYorkToUtcMs(addDays(to, 1), 0) * 1000,
    shared: request.shared === true,
  });
  const counts = new Uint32Array(symbols.length);
  for (const index of bars.symbol) counts[index]! += 1;
  const missing = symbols.filter((_, index) => counts[index] === 0);
  if (missing.length > 0)
    throw new BarDataError(
      `no bars for ${missing.join(', ')} from ${from} to ${to} in ${describeSource(request.source)}`,
    );
  return bars;
}
