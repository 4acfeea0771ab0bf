/**
 * Historical bars and trades from Alpaca's market-data REST API, used to backfill reconnect gaps.
 * Cold path: bodies are validated with zod, pages followed through next_page_token. Failures are
 * values naming the request and the status; the keys never appear in them. The market-data
 * port's MarketDataHistory (shared/venue/market-data-feed.ts) over Alpaca's historical API
 * (https://docs.alpaca.markets/docs/historical-api).
 *
 * Given a RequestPacer, every request waits for its turn under the key's quota, the quota headers
 * of every answer are passed on, and a 429 is waited out (until X-RateLimit-Reset) and the page
 * asked again; without one, a 429 is a failure like any other status (a backfill does not wait).
 */
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import type { Bar, Trade } from '../../../domain/market-data.ts';
import { isCryptoSymbol } from '../../../domain/symbol.ts';
import type { HistoryResult, MarketDataHistory } from '../../../venue/market-data-feed.ts';
import type { VenueQuota } from '../../../venue/venue-types.ts';
import { rateLimitSnapshot } from '../rate-limit-headers.ts';
import { formatRfc3339Us, parseRfc3339Us } from './rfc3339.ts';

/** Stock bar prices as traded (raw) or adjusted for splits, dividends, or all corporate actions. */
export const BAR_ADJUSTMENTS = ['raw', 'split', 'dividend', 'all'] as const;
export type BarAdjustment = (typeof BAR_ADJUSTMENTS)[number];

/** Spaces requests under a rate limit (the backtest's download passes one over a token bucket). */
export interface RequestPacer {
  /** Resolves when the next request may go, and counts it. */
  acquire(): Promise<void>;
  /** The X-RateLimit-* headers of an answer. */
  observe(quota: VenueQuota): void;
  /** A 429: nothing more until `resetAtMs` (epoch ms), or a short pause when the server named none. */
  rateLimited(resetAtMs: number | null): void;
}

export interface HistoryClientOptions {
  /** e.g. https://data.alpaca.markets, or the simulator's http://127.0.0.1:PORT */
  readonly baseUrl: string;
  readonly keyId: string;
  readonly secretKey: string;
  /** Stock feed for the `feed` query parameter (iex, sip, ...). */
  readonly stockFeed: string;
  readonly timeoutMs?: number;
  /** Items per page (Alpaca's maximum, 10000, by default). */
  readonly pageLimit?: number;
  readonly dispatcher?: Dispatcher;
  /** Stock bars only (crypto has no corporate actions); Alpaca's default, raw, when absent. */
  readonly adjustment?: BarAdjustment;
  readonly pacer?: RequestPacer;
}

const MAX_PAGES = 1_000;
/** 429s in a row on one page before giving up: the server's reset did not hold. */
const MAX_RATE_LIMITED_WAITS = 5;
const PAGE_LIMIT = 10_000;

const timestamp = z.string().transform((text, context) => {
  const us = parseRfc3339Us(text);
  if (Number.isNaN(us))
    context.addIssue({ code: 'custom', message: `"${text}" is not an RFC 3339 timestamp` });
  return us;
});
const price = z.number().positive().finite();
const amount = z.number().nonnegative().finite();

const barSchema = z.object({
  t: timestamp,
  o: price,
  h: price,
  l: price,
  c: price,
  v: amount,
  n: amount.optional(),
  vw: amount.optional(),
});
const tradeSchema = z.object({
  t: timestamp,
  p: price,
  s: amount,
  i: z.number().optional(),
  tks: z.string().optional(),
});
const page = <T extends z.ZodType>(key: string, item: T) =>
  z.object({
    [key]: z.record(z.string(), z.array(item)).nullable(),
    next_page_token: z.string().nullable().optional(),
  });
const barsPage = page('bars', barSchema);
const tradesPage = page('trades', tradeSchema);

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

export class MarketDataHistoryClient implements MarketDataHistory {
  readonly #options: HistoryClientOptions;

  constructor(options: HistoryClientOptions) {
    this.#options = options;
  }

  /** Minute bars starting in [fromUs, toUs], every symbol, in time order per symbol. */
  async fetchMinuteBars(
    symbols: readonly string[],
    fromUs: number,
    toUs: number,
  ): Promise<HistoryResult<Bar>> {
    return this.#fetchAll(symbols, 'bars', fromUs, toUs, (symbol, raw) => {
      const bar = raw as z.infer<typeof barSchema>;
      return {
        symbol,
        kind: 'minute',
        startUs: bar.t,
        open: bar.o,
        high: bar.h,
        low: bar.l,
        close: bar.c,
        volume: bar.v,
        tradeCount: bar.n ?? 0,
        vwap: bar.vw ?? 0,
      };
    });
  }

  /** Trades in [fromUs, toUs], every symbol, in time order per symbol. */
  async fetchTrades(symbols: readonly string[], fromUs: number, toUs: number): Promise<HistoryResult<Trade>> {
    return this.#fetchAll(symbols, 'trades', fromUs, toUs, (symbol, raw) => {
      const trade = raw as z.infer<typeof tradeSchema>;
      return {
        symbol,
        id: trade.i ?? 0,
        price: trade.p,
        size: trade.s,
        timestampUs: trade.t,
        takerSide: trade.tks === 'B' ? 'buy' : trade.tks === 'S' ? 'sell' : 'unknown',
      };
    });
  }

  async #fetchAll<T>(
    symbols: readonly string[],
    kind: 'bars' | 'trades',
    fromUs: number,
    toUs: number,
    map: (symbol: string, raw: unknown) => T,
  ): Promise<HistoryResult<T>> {
    const items: T[] = [];
    const stocks = symbols.filter((symbol) => !isCryptoSymbol(symbol));
    const crypto = symbols.filter(isCryptoSymbol);
    for (const [group, path] of [
      [stocks, `/v2/stocks/${kind}`],
      [crypto, `/v1beta3/crypto/us/${kind}`],
    ] as const) {
      if (group.length === 0) continue;
      const result = await this.#fetchPages(path, kind, group, fromUs, toUs, map);
      if (!result.ok) return result;
      items.push(...result.items);
    }
    return { ok: true, items };
  }

  async #fetchPages<T>(
    path: string,
    kind: 'bars' | 'trades',
    symbols: readonly string[],
    fromUs: number,
    toUs: number,
    map: (symbol: string, raw: unknown) => T,
  ): Promise<HistoryResult<T>> {
    const items: T[] = [];
    let pageToken: string | undefined;
    for (let pageNumber = 0; pageNumber < MAX_PAGES; pageNumber++) {
      const url = new URL(path, this.#options.baseUrl);
      url.searchParams.set('symbols', symbols.join(','));
      if (kind === 'bars') url.searchParams.set('timeframe', '1Min');
      url.searchParams.set('start', formatRfc3339Us(fromUs));
      url.searchParams.set('end', formatRfc3339Us(toUs));
      url.searchParams.set('limit', String(this.#options.pageLimit ?? PAGE_LIMIT));
      url.searchParams.set('sort', 'asc');
      if (!path.includes('crypto')) {
        url.searchParams.set('feed', this.#options.stockFeed);
        if (kind === 'bars' && this.#options.adjustment !== undefined)
          url.searchParams.set('adjustment', this.#options.adjustment);
      }
      if (pageToken !== undefined) url.searchParams.set('page_token', pageToken);
      const described = `GET ${path}`;
      const answer = await this.#send(url);
      if ('error' in answer) return { ok: false, reason: `${described} failed: ${answer.error}` };
      const { status, body } = answer;
      if (status !== 200) {
        const message =
          typeof body === 'object' && body !== null && 'message' in body
            ? String(body.message)
            : String(body);
        return { ok: false, status, reason: `${described} answered ${status}: ${message.slice(0, 200)}` };
      }
      const parsed = (kind === 'bars' ? barsPage : tradesPage).safeParse(body);
      if (!parsed.success)
        return { ok: false, reason: `${described} sent an invalid body: ${describeIssues(parsed.error)}` };
      const data = parsed.data as { [key: string]: unknown; next_page_token?: string | null };
      const bySymbol = (data[kind] ?? {}) as Record<string, unknown[]>;
      for (const [symbol, list] of Object.entries(bySymbol))
        for (const raw of list) items.push(map(symbol, raw));
      if (data.next_page_token === null || data.next_page_token === undefined) return { ok: true, items };
      pageToken = data.next_page_token;
    }
    return { ok: false, reason: `GET ${path} still had pages after ${MAX_PAGES}; giving up` };
  }

  /** One GET, paced when a pacer is given, its 429s waited out; the body as JSON when it is JSON. */
  async #send(url: URL): Promise<{ status: number; body: unknown } | { error: string }> {
    const pacer = this.#options.pacer;
    try {
      for (let waits = 0; ; waits++) {
        await pacer?.acquire();
        const response = await request(url, {
          method: 'GET',
          headers: {
            'APCA-API-KEY-ID': this.#options.keyId,
            'APCA-API-SECRET-KEY': this.#options.secretKey,
            accept: 'application/json',
          },
          signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
          ...(this.#options.dispatcher === undefined ? {} : { dispatcher: this.#options.dispatcher }),
        });
        const quota = rateLimitSnapshot(response.headers);
        if (quota !== null) pacer?.observe(quota);
        if (response.statusCode === 429 && pacer !== undefined && waits < MAX_RATE_LIMITED_WAITS) {
          await response.body.dump();
          pacer.rateLimited(quota?.resetAtMs ?? null);
          continue;
        }
        const text = await response.body.text();
        try {
          return { status: response.statusCode, body: JSON.parse(text) };
        } catch {
          return { status: response.statusCode, body: text };
        }
      }
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
}
