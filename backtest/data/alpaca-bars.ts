/**
 * The `--alpaca` source: minute bars from Alpaca's market-data REST API with the user's keys,
 * through the repo's history client (paged by next_page_token, paced under the key's quota, 429s
 * waited out), kept in a cache per symbol and New York day (bar-cache.ts). Only what the cache
 * lacks is asked for, one request series per run of missing days shared by the symbols missing
 * it; a day is cached once it is over in New York, so today's bars are always asked afresh. Any
 * timeframe is aggregated from these minute bars (timeframe-aggregation.ts), so one cache serves
 * them all. The bars are Alpaca's as sent: a stock's include its pre-market and after-hours minutes.
 *
 * The keys go to https URLs only (plain http to a loopback simulator), and no message names them.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import {
  type BarAdjustment,
  MarketDataHistoryClient,
} from '../../shared/broker/alpaca/market-data/history-client.ts';
import { isLoopbackHost } from '../../shared/config/consistency-rules.ts';
import type { Bar } from '../../shared/domain/market-data.ts';
import { type Clock, systemClock } from '../../shared/time/clock.ts';
import { addDays, newYorkDate, newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { type BarCacheKey, cacheDay, cachedDayFile, isDayCached } from './bar-cache.ts';
import { BarColumnsBuilder } from './bar-columns.ts';
import { BarDataError, ProblemLog } from './bar-data-error.ts';
import { readCsvBars } from './csv-bars.ts';
import { type Sleep, TokenBucketPacer } from './request-pacer.ts';

export const ALPACA_DATA_URL = 'https://data.alpaca.markets';
export const STOCK_FEEDS = ['iex', 'sip'] as const;
export type StockFeed = (typeof STOCK_FEEDS)[number];

export interface AlpacaBarsOptions {
  readonly keyId: string;
  readonly secretKey: string;
  /** Where downloaded days are kept (bar-cache.ts). */
  readonly cacheDir: string;
  /** Default https://data.alpaca.markets; http only to a loopback host (the simulator). */
  readonly baseUrl?: string;
  /** Default iex, the feed of Alpaca's free plan. */
  readonly feed?: StockFeed;
  /** Default raw (as traded). */
  readonly adjustment?: BarAdjustment;
  /** Default 200, Alpaca's Basic plan. */
  readonly requestsPerMinute?: number;
  /** Bars per page; default Alpaca's maximum, 10000. */
  readonly pageLimit?: number;
  /** Tells which New York day is today (not yet cached) and paces the requests; default the system's. */
  readonly clock?: Clock;
  /** How waiting for the quota waits; default a timer. A test on virtual time moves its clock instead. */
  readonly sleep?: Sleep;
  readonly dispatcher?: Dispatcher;
}

export interface AlpacaBarsRequest {
  readonly symbols: readonly string[];
  /** New York dates, inclusive. */
  readonly from: string;
  readonly to: string;
}

const DEFAULT_REQUESTS_PER_MINUTE = 200;

function checkedBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BarDataError(`the Alpaca data URL ${JSON.stringify(text)} is not a URL`);
  }
  const allowed = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!allowed)
    throw new BarDataError(
      `refusing to send the Alpaca keys to ${url.origin}: use https (plain http only to a loopback address such as 127.0.0.1)`,
    );
  return url.origin;
}

/** Consecutive dates from `first` to `last`, inclusive. */
function datesBetween(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** Runs of consecutive dates in an ascending list, as [first, last] pairs. */
function consecutiveRuns(dates: readonly string[]): [string, string][] {
  const runs: [string, string][] = [];
  for (const date of dates) {
    const run = runs.at(-1);
    if (run !== undefined && addDays(run[1], 1) === date) run[1] = date;
    else runs.push([date, date]);
  }
  return runs;
}

/** A symbol's bars (in time order) by New York date. */
function byNewYorkDate(bars: readonly Bar[]): Map<string, Bar[]> {
  const days = new Map<string, Bar[]>();
  let dayEndUs = Number.NEGATIVE_INFINITY;
  let day: Bar[] = [];
  for (const bar of bars) {
    if (bar.startUs >= dayEndUs) {
      const date = newYorkDate(Math.floor(bar.startUs / 1000));
      dayEndUs = newYorkToUtcMs(addDays(date, 1), 0) * 1000;
      day = days.get(date) ?? [];
      days.set(date, day);
    }
    day.push(bar);
  }
  return days;
}

interface MissingDays {
  readonly first: string;
  readonly last: string;
  readonly symbols: string[];
}

/**
 * The days to download: runs of consecutive dates the cache lacks (today always), each with the
 * symbols that lack exactly that run, so symbols missing the same days share their requests.
 */
function missingDayRuns(
  key: BarCacheKey,
  symbols: readonly string[],
  dates: readonly string[],
  today: string,
): MissingDays[] {
  const runs = new Map<string, MissingDays>();
  for (const symbol of symbols) {
    const missing = dates.filter((date) => date === today || !isDayCached(key, symbol, date));
    for (const [first, last] of consecutiveRuns(missing)) {
      const run = runs.get(`${first}/${last}`) ?? { first, last, symbols: [] };
      run.symbols.push(symbol);
      runs.set(`${first}/${last}`, run);
    }
  }
  return [...runs.values()];
}

function downloadFailure(baseUrl: string, status: number | undefined, reason: string): BarDataError {
  if (status === 401 || status === 403)
    return new BarDataError(
      `Alpaca refused the API keys (HTTP ${status}) at ${baseUrl}: check APCA_API_KEY_ID and APCA_API_SECRET_KEY (${reason})`,
    );
  return new BarDataError(`downloading bars from ${baseUrl} failed: ${reason}`);
}

/**
 * The minute bars of the symbols from `from` to `to` (New York dates, inclusive; days after today
 * have none), from the cache where it has them and from Alpaca otherwise.
 */
export async function loadAlpacaBars(
  options: AlpacaBarsOptions,
  request: AlpacaBarsRequest,
): Promise<BarColumnsBuilder> {
  const baseUrl = checkedBaseUrl(options.baseUrl ?? ALPACA_DATA_URL);
  if (options.keyId === '' || options.secretKey === '')
    throw new BarDataError(
      'Alpaca needs an API key id and secret: set APCA_API_KEY_ID and APCA_API_SECRET_KEY',
    );
  const clock = options.clock ?? systemClock;
  const key: BarCacheKey = {
    cacheDir: options.cacheDir,
    feed: options.feed ?? 'iex',
    adjustment: options.adjustment ?? 'raw',
  };
  const nowMs = clock.nowMs();
  const today = newYorkDate(nowMs);
  // Dates compare as text; days after today have no bars yet.
  const last = [request.to, today].sort()[0]!;
  const dates = datesBetween(request.from, last);

  const wanted = missingDayRuns(key, request.symbols, dates, today);

  const client = new MarketDataHistoryClient({
    baseUrl,
    keyId: options.keyId,
    secretKey: options.secretKey,
    stockFeed: key.feed,
    adjustment: key.adjustment,
    pacer: new TokenBucketPacer(
      clock,
      options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
      options.sleep ?? ((ms) => delay(ms)),
    ),
    ...(options.pageLimit === undefined ? {} : { pageLimit: options.pageLimit }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  /** Downloaded bars by symbol, then date; a missing date had no bars. */
  const downloaded = new Map<string, Map<string, Bar[]>>();
  const fetchedDays = new Map<string, string[]>();
  for (const { first, last, symbols } of wanted) {
    const startUs = newYorkToUtcMs(first, 0) * 1000;
    const endUs = Math.min(newYorkToUtcMs(addDays(last, 1), 0), nowMs) * 1000 - 1;
    const result = await client.fetchMinuteBars(symbols, startUs, endUs);
    if (!result.ok) throw downloadFailure(baseUrl, result.status, result.reason);
    const itemsOf = Map.groupBy(result.items, (bar) => bar.symbol);
    for (const symbol of symbols) {
      const days = downloaded.get(symbol) ?? new Map<string, Bar[]>();
      for (const [date, dayBars] of byNewYorkDate(itemsOf.get(symbol) ?? [])) days.set(date, dayBars);
      downloaded.set(symbol, days);
      fetchedDays.set(symbol, [...(fetchedDays.get(symbol) ?? []), ...datesBetween(first, last)]);
    }
  }

  const bars = new BarColumnsBuilder();
  const problems = new ProblemLog(
    `bad bars from Alpaca (${baseUrl}) or its cache in ${options.cacheDir} (a bad cache file can be deleted: its day is then downloaded again)`,
  );
  for (const symbol of request.symbols) {
    const index = bars.symbolIndex(symbol);
    const fresh = downloaded.get(symbol);
    const fetched = new Set(fetchedDays.get(symbol));
    for (const date of dates) {
      if (!fetched.has(date)) {
        readCsvBars(cachedDayFile(key, symbol, date), bars, problems);
        continue;
      }
      for (const bar of fresh?.get(date) ?? []) {
        const problem = bars.append(index, bar.startUs, bar.open, bar.high, bar.low, bar.close, bar.volume);
        if (problem !== undefined) problems.add(`Alpaca's bars of ${symbol} on ${date}`, problem);
      }
    }
  }
  problems.throwIfAny();
  // Only bars that passed the checks reach the cache, and only of days that are over.
  for (const [symbol, days] of fetchedDays)
    for (const date of days)
      if (date < today) cacheDay(key, symbol, date, downloaded.get(symbol)?.get(date) ?? []);
  return bars;
}
