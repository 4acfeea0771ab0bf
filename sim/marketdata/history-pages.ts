/**
 * Paging of historical results the way Alpaca pages them: ordered by symbol, then time; `limit`
 * caps the total across symbols on a page; `next_page_token` is an opaque cursor (base64 of
 * the last symbol and position) and null on the last page.
 */

import type { MarketHistory } from '../market/market.ts';
import type { SimBar } from '../market/market-events.ts';
import type { QueryResult } from './rest-query.ts';
import { bucketStartUs, type Timeframe } from './timeframe.ts';

export interface Positioned<T> {
  /** Sequence number (ticks) or bucket start µs (bars): strictly ordered within a symbol. */
  readonly position: number;
  readonly item: T;
}

/** Up to `max` items of one symbol after `after` (in the query's sort direction). */
export type SymbolFetcher<T> = (symbol: string, after: number | undefined, max: number) => Positioned<T>[];

export interface Page<T> {
  readonly bySymbol: Map<string, T[]>;
  readonly nextPageToken: string | null;
}

interface Cursor {
  readonly symbol: string;
  readonly position: number;
}

export function encodePageToken(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.symbol, cursor.position])).toString('base64');
}

export function decodePageToken(token: string, symbols: readonly string[]): QueryResult<Cursor> {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === 2 &&
      typeof decoded[0] === 'string' &&
      symbols.includes(decoded[0]) &&
      Number.isSafeInteger(decoded[1])
    ) {
      return { ok: true, value: { symbol: decoded[0], position: decoded[1] as number } };
    }
  } catch {
    // Falls through to the error below.
  }
  return { ok: false, status: 400, message: 'invalid page_token' };
}

export function collectPage<T>(
  symbols: readonly string[],
  limit: number,
  pageToken: string | undefined,
  fetch: SymbolFetcher<T>,
): QueryResult<Page<T>> {
  let startIndex = 0;
  let after: number | undefined;
  if (pageToken !== undefined) {
    const cursor = decodePageToken(pageToken, symbols);
    if (!cursor.ok) return cursor;
    startIndex = symbols.indexOf(cursor.value.symbol);
    after = cursor.value.position;
  }
  const bySymbol = new Map<string, T[]>();
  let taken = 0;
  let last: Cursor | undefined;
  for (let i = startIndex; i < symbols.length; i++) {
    const symbol = symbols[i]!;
    // One more than needed tells whether another page exists without an empty last page.
    const items = fetch(symbol, i === startIndex ? after : undefined, limit - taken + 1);
    for (const { position, item } of items) {
      if (taken === limit) return { ok: true, value: { bySymbol, nextPageToken: encodePageToken(last!) } };
      let list = bySymbol.get(symbol);
      if (list === undefined) {
        list = [];
        bySymbol.set(symbol, list);
      }
      list.push(item);
      taken++;
      last = { symbol, position };
    }
  }
  return { ok: true, value: { bySymbol, nextPageToken: null } };
}

/** Bars of one symbol in [startUs, endUs], aggregated to the timeframe from the minute bars. */
export function aggregatedBars(
  history: MarketHistory,
  symbol: string,
  timeframe: Timeframe,
  startUs: number,
  endUs: number,
  sort: 'asc' | 'desc',
): Positioned<SimBar>[] {
  const minute = history.bars(symbol)?.minute ?? [];
  let low = 0;
  let high = minute.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (minute[middle]!.startUs < startUs) low = middle + 1;
    else high = middle;
  }
  const buckets: Positioned<SimBar>[] = [];
  let current: { startUs: number; bar: SimBar; notional: number } | undefined;
  const close = (): void => {
    if (current === undefined) return;
    const { bar, notional } = current;
    const vwap = bar.volume > 0 ? Math.round((notional / bar.volume) * 1e6) / 1e6 : 0;
    buckets.push({ position: current.startUs, item: { ...bar, vwap } });
  };
  for (let i = low; i < minute.length && minute[i]!.startUs <= endUs; i++) {
    const bar = minute[i]!;
    const bucket = bucketStartUs(timeframe, bar.startUs);
    if (current === undefined || current.startUs !== bucket) {
      close();
      current = { startUs: bucket, bar: { ...bar, startUs: bucket }, notional: bar.vwap * bar.volume };
      continue;
    }
    const merged = current.bar;
    current.bar = {
      ...merged,
      high: Math.max(merged.high, bar.high),
      low: Math.min(merged.low, bar.low),
      close: bar.close,
      volume: merged.volume + bar.volume,
      tradeCount: merged.tradeCount + bar.tradeCount,
    };
    current.notional += bar.vwap * bar.volume;
  }
  close();
  return sort === 'asc' ? buckets : buckets.reverse();
}

export function afterPosition<T>(
  items: Positioned<T>[],
  after: number | undefined,
  sort: 'asc' | 'desc',
  max: number,
) {
  const start =
    after === undefined
      ? 0
      : items.findIndex((entry) => (sort === 'asc' ? entry.position > after : entry.position < after));
  return start < 0 ? [] : items.slice(start, start + max);
}
