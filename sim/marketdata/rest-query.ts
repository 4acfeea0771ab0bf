/**
 * Validation of the market-data REST query parameters (protocol §4.2). Every known parameter
 * is checked; unknown ones are ignored, as Alpaca ignores them. A failure names the parameter
 * and what was wrong, with the HTTP status Alpaca uses: 400 for a value it cannot read, 422 for
 * a readable value outside the allowed range.
 */
import { newYorkToUtcMs, newYorkWallTime } from '../../shared/time/new-york-time.ts';
import { parseTimeframe, type Timeframe } from './timeframe.ts';

export type QueryResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly status: 400 | 422; readonly message: string };

export interface HistoryQuery {
  readonly symbols: readonly string[];
  readonly startUs: number;
  readonly endUs: number;
  readonly limit: number;
  readonly pageToken: string | undefined;
  readonly sort: 'asc' | 'desc';
  readonly timeframe: Timeframe | undefined;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const STOCK_SYMBOL = /^[A-Z][A-Z0-9.-]{0,10}$/;
const CRYPTO_SYMBOL = /^[A-Z0-9]{2,10}\/[A-Z]{3,4}$/;
const ADJUSTMENTS = new Set(['raw', 'split', 'dividend', 'spin-off', 'all']);
const STOCK_FEEDS = new Set(['sip', 'iex', 'delayed_sip', 'boats', 'overnight', 'otc']);
const MAX_LIMIT = 10_000;
const DEFAULT_LIMIT = 1_000;

function fail<T>(status: 400 | 422, message: string): QueryResult<T> {
  return { ok: false, status, message };
}

/** An instant as epoch µs from RFC 3339 (any offset, up to 9 fractional digits) or a New York date. */
export function parseInstantUs(text: string): number | undefined {
  if (DATE.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isNaN(ms) ? undefined : newYorkToUtcMs(text, 0) * 1000;
  }
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]!.toUpperCase()}`);
  if (Number.isNaN(seconds)) return undefined;
  const micros = Number((match[2] ?? '').padEnd(9, '0').slice(0, 6));
  return seconds * 1000 + micros;
}

/** Reads `name` from the query, treating an empty value or "null" (the JS SDK's) as absent. */
function optional(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  const value = values.at(-1);
  return value === undefined || value === '' || value === 'null' ? undefined : value;
}

export function parseSymbols(text: string | undefined, crypto: boolean): QueryResult<string[]> {
  if (text === undefined) return fail(400, 'symbols is required');
  const symbols = [...new Set(text.split(',').map((symbol) => symbol.trim()))];
  const pattern = crypto ? CRYPTO_SYMBOL : STOCK_SYMBOL;
  const bad = symbols.find((symbol) => !pattern.test(symbol));
  if (bad !== undefined) return fail(400, `invalid symbol: ${JSON.stringify(bad)}`);
  return { ok: true, value: symbols.sort() };
}

export interface HistoryQueryOptions {
  readonly crypto: boolean;
  readonly needsTimeframe: boolean;
  /** The symbol from the path, for single-symbol endpoints. */
  readonly pathSymbol?: string;
  readonly nowUs: number;
}

export function parseHistoryQuery(
  params: URLSearchParams,
  options: HistoryQueryOptions,
): QueryResult<HistoryQuery> {
  const symbols = parseSymbols(options.pathSymbol ?? optional(params, 'symbols'), options.crypto);
  if (!symbols.ok) return symbols;

  let timeframe: Timeframe | undefined;
  if (options.needsTimeframe) {
    const text = optional(params, 'timeframe');
    if (text === undefined) return fail(400, 'timeframe is required');
    timeframe = parseTimeframe(text);
    if (timeframe === undefined) return fail(422, `invalid timeframe: ${JSON.stringify(text)}`);
  }

  const startText = optional(params, 'start');
  const endText = optional(params, 'end');
  const startUs =
    startText === undefined
      ? newYorkToUtcMs(newYorkWallTime(options.nowUs / 1000).date, 0) * 1000
      : parseInstantUs(startText);
  if (startUs === undefined)
    return fail(400, `invalid start: ${JSON.stringify(startText)} is not RFC 3339 or YYYY-MM-DD`);
  const endUs = endText === undefined ? options.nowUs : parseInstantUs(endText);
  if (endUs === undefined)
    return fail(400, `invalid end: ${JSON.stringify(endText)} is not RFC 3339 or YYYY-MM-DD`);
  if (endUs < startUs) return fail(422, 'end should not be before start');

  const limitText = optional(params, 'limit');
  const limit = limitText === undefined ? DEFAULT_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || !Number.isInteger(limit)) {
    return fail(400, `invalid limit: ${JSON.stringify(limitText)} is not an integer`);
  }
  if (limit < 1 || limit > MAX_LIMIT) return fail(422, `invalid limit: must be between 1 and ${MAX_LIMIT}`);

  const sort = optional(params, 'sort') ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc')
    return fail(422, `invalid sort: ${JSON.stringify(sort)} (asc or desc)`);

  const common = validateCommon(params, options.crypto);
  if (!common.ok) return common;

  return {
    ok: true,
    value: {
      symbols: symbols.value,
      startUs,
      endUs,
      limit,
      pageToken: optional(params, 'page_token'),
      sort,
      timeframe,
    },
  };
}

/** feed, adjustment, asof and currency: accepted and checked, but they change nothing in a simulation. */
export function validateCommon(params: URLSearchParams, crypto: boolean): QueryResult<true> {
  const feed = optional(params, 'feed');
  if (feed !== undefined && (crypto || !STOCK_FEEDS.has(feed)))
    return fail(422, `invalid feed: ${JSON.stringify(feed)}`);
  const adjustment = optional(params, 'adjustment');
  if (adjustment !== undefined && !adjustment.split(',').every((part) => ADJUSTMENTS.has(part))) {
    return fail(422, `invalid adjustment: ${JSON.stringify(adjustment)}`);
  }
  const asof = optional(params, 'asof');
  if (asof !== undefined && asof !== '-' && !DATE.test(asof))
    return fail(400, `invalid asof: ${JSON.stringify(asof)}`);
  const currency = optional(params, 'currency');
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
    return fail(400, `invalid currency: ${JSON.stringify(currency)}`);
  }
  return { ok: true, value: true };
}
