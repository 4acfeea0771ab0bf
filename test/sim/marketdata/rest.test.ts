import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  cryptoSnapshotsResponseSchema,
  latestBarResponseSchema,
  latestBarsResponseSchema,
  latestCryptoQuotesResponseSchema,
  latestCryptoTradesResponseSchema,
  latestOrderBooksResponseSchema,
  latestStockQuoteResponseSchema,
  latestStockQuotesResponseSchema,
  latestStockTradeResponseSchema,
  latestStockTradesResponseSchema,
  multiBarsResponseSchema,
  multiCryptoQuotesResponseSchema,
  multiCryptoTradesResponseSchema,
  multiStockQuotesResponseSchema,
  multiStockSnapshotsResponseSchema,
  multiStockTradesResponseSchema,
  restErrorSchema,
  singleBarsResponseSchema,
  singleQuotesResponseSchema,
  singleStockSnapshotResponseSchema,
  singleTradesResponseSchema,
} from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { SESSION_START_MS } from '../market/market-fixture.ts';
import { KEY, type MarketDataServer, startMarketDataServer } from './market-data-server.ts';

const START = new Date(SESSION_START_MS).toISOString();
const END = new Date(SESSION_START_MS + 3 * 3_600_000).toISOString();

describe('Feature: market-data REST', () => {
  let server: MarketDataServer;

  beforeAll(async () => {
    server = await startMarketDataServer(
      { messagesPerSecond: 200, symbols: ['AAPL', 'SPY', 'MSFT', 'BTC/USD'] },
      // The paging properties send hundreds of requests within one virtual minute; the quota
      // has its own tests (rest-rate-limit.test.ts).
      { rateLimitPerMinute: 1_000_000 },
    );
    server.advance(3 * 3_600_000);
  });

  afterAll(async () => {
    await server.close();
  });

  async function get(
    path: string,
    headers: Record<string, string> = KEY,
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(server.url(path), { headers });
    return { status: response.status, body: await response.json() };
  }

  async function getValid<T extends z.ZodType>(path: string, schema: T): Promise<z.infer<T>> {
    const { status, body } = await get(path);
    expect(status, JSON.stringify(body)).toBe(200);
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new Error(`${path}: ${parsed.error.message}\n${JSON.stringify(body).slice(0, 400)}`);
    return parsed.data;
  }

  /** Follows next_page_token to the end and returns every page. */
  async function allPages(path: string): Promise<Record<string, unknown>[]> {
    const pages: Record<string, unknown>[] = [];
    let token: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const { status, body } = await get(
        token === null ? path : `${path}${separator}page_token=${encodeURIComponent(token)}`,
      );
      expect(status).toBe(200);
      const page = body as Record<string, unknown> & { next_page_token: string | null };
      pages.push(page);
      token = page.next_page_token;
    } while (token !== null);
    return pages;
  }

  it('refuses missing or wrong keys with the data API’s 403', async () => {
    for (const headers of [{}, { ...KEY, 'APCA-API-SECRET-KEY': 'nope' }]) {
      const { status, body } = await get('/v2/stocks/AAPL/bars?timeframe=1Min', headers);
      expect(status).toBe(403);
      expect(body).toStrictEqual({ message: 'forbidden.' });
    }
  });

  it('serves crypto without keys, as Alpaca does, but refuses wrong ones', async () => {
    const path = '/v1beta3/crypto/us/latest/quotes?symbols=BTC/USD';
    expect((await get(path, {})).status).toBe(200);
    expect((await get(path, { ...KEY, 'APCA-API-KEY-ID': 'nope' })).status).toBe(403);
  });

  it('serves single-symbol minute bars that match the streamed minute bars', async () => {
    const page = await getValid(
      `/v2/stocks/AAPL/bars?timeframe=1Min&start=${START}&end=${END}&limit=10000`,
      singleBarsResponseSchema,
    );
    const expected = server.market.history.bars('AAPL')!.minute;
    expect(page.symbol).toBe('AAPL');
    expect(page.next_page_token).toBeNull();
    expect(page.bars!.length).toBe(expected.length);
    expect(page.bars![0]).toMatchObject({
      o: expected[0]!.open,
      c: expected[0]!.close,
      v: expected[0]!.volume,
    });
    expect(page.bars![0]!.t).toBe(START.replace('.000Z', 'Z'));
  });

  it.each([
    ['5Min', 5 * 60_000],
    ['15T', 15 * 60_000],
    ['1Hour', 3_600_000],
  ])('aggregates %s bars on aligned boundaries with volume conserved', async (timeframe, stepMs) => {
    const page = await getValid(
      `/v2/stocks/SPY/bars?timeframe=${timeframe}&start=${START}&end=${END}`,
      singleBarsResponseSchema,
    );
    const minute = await getValid(
      `/v2/stocks/SPY/bars?timeframe=1Min&start=${START}&end=${END}&limit=10000`,
      singleBarsResponseSchema,
    );
    expect(page.bars!.every((bar) => Date.parse(bar.t) % stepMs === 0)).toBe(true);
    const sum = (bars: { v: number }[]): number => bars.reduce((total, bar) => total + bar.v, 0);
    expect(sum(page.bars!)).toBe(sum(minute.bars!));
    expect(Math.max(...page.bars!.map((bar) => bar.h))).toBe(Math.max(...minute.bars!.map((bar) => bar.h)));
  });

  it('stamps daily bars at New York midnight', async () => {
    const page = await getValid(
      '/v2/stocks/AAPL/bars?timeframe=1Day&start=2026-11-24',
      singleBarsResponseSchema,
    );
    expect(page.bars!.map((bar) => bar.t)).toStrictEqual(['2026-11-24T05:00:00Z']);
  });

  it('pages multi-symbol bars by symbol then time, without repeats or holes, for any limit', async () => {
    const whole = await getValid(
      `/v2/stocks/bars?symbols=SPY,AAPL,MSFT&timeframe=1Min&start=${START}&end=${END}&limit=10000`,
      multiBarsResponseSchema,
    );
    expect(Object.keys(whole.bars)).toStrictEqual(['AAPL', 'MSFT', 'SPY']);
    const flatten = (pages: Record<string, unknown>[]): string[] =>
      pages.flatMap((page) =>
        Object.entries(multiBarsResponseSchema.parse(page).bars).flatMap(([symbol, bars]) =>
          bars.map((bar) => `${symbol}@${bar.t}`),
        ),
      );
    const expected = flatten([whole]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 600 }), async (limit) => {
        const pages = await allPages(
          `/v2/stocks/bars?symbols=SPY,AAPL,MSFT&timeframe=1Min&start=${START}&end=${END}&limit=${limit}`,
        );
        expect(flatten(pages)).toStrictEqual(expected);
        expect(
          pages.slice(0, -1).every((page) => Object.values(page.bars as object).flat().length === limit),
        ).toBe(true);
      }),
      { numRuns: 6 },
    );
  });

  it('pages trades and quotes, single and multi, ascending and descending', async () => {
    const window = `start=${new Date(SESSION_START_MS + 60_000).toISOString()}&end=${new Date(SESSION_START_MS + 120_000).toISOString()}`;
    for (const sort of ['asc', 'desc']) {
      const trades = await allPages(`/v2/stocks/AAPL/trades?${window}&limit=37&sort=${sort}`);
      const stamps = trades.flatMap((page) =>
        singleTradesResponseSchema.parse(page).trades!.map((trade) => trade.i),
      );
      const all = server.market.history
        .trades('AAPL')!
        .query({
          startUs: (SESSION_START_MS + 60_000) * 1000,
          endUs: (SESSION_START_MS + 120_000) * 1000,
          sort: sort as 'asc' | 'desc',
          limit: 100_000,
        })
        .items.map((entry) => entry.item.id);
      expect(stamps).toStrictEqual(all);
      expect(all.length).toBeGreaterThan(37);
    }
    const quotes = await allPages(`/v2/stocks/quotes?symbols=AAPL,SPY&${window}&limit=500`);
    for (const page of quotes) multiStockQuotesResponseSchema.parse(page);
    await getValid(`/v2/stocks/SPY/quotes?${window}&limit=5`, singleQuotesResponseSchema);
    await getValid(`/v2/stocks/trades?symbols=SPY&${window}&limit=5`, multiStockTradesResponseSchema);
  });

  it('serves latest trades, quotes and bars, and snapshots, for stocks', async () => {
    const trade = await getValid('/v2/stocks/AAPL/trades/latest', latestStockTradeResponseSchema);
    expect(trade.trade.i).toBe(server.market.latestTrade('AAPL')!.id);
    const quote = await getValid('/v2/stocks/AAPL/quotes/latest?feed=iex', latestStockQuoteResponseSchema);
    expect(quote.quote.bp).toBe(server.market.latestQuote('AAPL')!.bidPrice);
    await getValid('/v2/stocks/AAPL/bars/latest', latestBarResponseSchema);
    const trades = await getValid(
      '/v2/stocks/trades/latest?symbols=AAPL,SPY,ZZZZ',
      latestStockTradesResponseSchema,
    );
    expect(Object.keys(trades.trades)).toStrictEqual(['AAPL', 'SPY']);
    await getValid('/v2/stocks/quotes/latest?symbols=AAPL', latestStockQuotesResponseSchema);
    await getValid('/v2/stocks/bars/latest?symbols=AAPL,MSFT', latestBarsResponseSchema);
    const snapshot = await getValid('/v2/stocks/AAPL/snapshot', singleStockSnapshotResponseSchema);
    expect(snapshot.dailyBar!.t).toBe('2026-11-24T05:00:00Z');
    const snapshots = await getValid(
      '/v2/stocks/snapshots?symbols=AAPL,SPY',
      multiStockSnapshotsResponseSchema,
    );
    expect(Object.keys(snapshots)).toStrictEqual(['AAPL', 'SPY']);
  });

  it('serves the crypto equivalents under /v1beta3/crypto/us', async () => {
    const symbols = 'symbols=BTC%2FUSD';
    const bars = await getValid(
      `/v1beta3/crypto/us/bars?${symbols}&timeframe=1Min&start=${START}`,
      multiBarsResponseSchema,
    );
    expect(bars.bars['BTC/USD']!.length).toBeGreaterThan(100);
    await getValid(
      `/v1beta3/crypto/us/trades?${symbols}&start=${START}&limit=50`,
      multiCryptoTradesResponseSchema,
    );
    await getValid(
      `/v1beta3/crypto/us/quotes?${symbols}&start=${START}&limit=50`,
      multiCryptoQuotesResponseSchema,
    );
    await getValid(`/v1beta3/crypto/us/latest/trades?${symbols}`, latestCryptoTradesResponseSchema);
    await getValid(`/v1beta3/crypto/us/latest/quotes?${symbols}`, latestCryptoQuotesResponseSchema);
    await getValid(`/v1beta3/crypto/us/latest/bars?${symbols}`, latestBarsResponseSchema);
    const books = await getValid(
      `/v1beta3/crypto/us/latest/orderbooks?${symbols}`,
      latestOrderBooksResponseSchema,
    );
    expect(books.orderbooks['BTC/USD']!.b.length).toBe(10);
    await getValid(`/v1beta3/crypto/us/snapshots?${symbols}`, cryptoSnapshotsResponseSchema);
  });

  it.each([
    ['/v2/stocks/AAPL/bars', 400, 'timeframe is required'],
    ['/v2/stocks/AAPL/bars?timeframe=7Fortnight', 422, 'invalid timeframe'],
    ['/v2/stocks/AAPL/bars?timeframe=60Min', 422, 'invalid timeframe'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&start=yesterday', 400, 'invalid start'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&end=2026-13-45', 400, 'invalid end'],
    [
      '/v2/stocks/AAPL/bars?timeframe=1Min&start=2026-11-24T16:00:00Z&end=2026-11-24T15:00:00Z',
      422,
      'end should not be before start',
    ],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&limit=0', 422, 'invalid limit'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&limit=10001', 422, 'invalid limit'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&limit=ten', 400, 'invalid limit'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&sort=sideways', 422, 'invalid sort'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&page_token=garbage', 400, 'invalid page_token'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&feed=nasdaq', 422, 'invalid feed'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&adjustment=some', 422, 'invalid adjustment'],
    ['/v2/stocks/AAPL/bars?timeframe=1Min&asof=never', 400, 'invalid asof'],
    ['/v2/stocks/bars?timeframe=1Min', 400, 'symbols is required'],
    ['/v2/stocks/bars?timeframe=1Min&symbols=AAPL,b@d', 400, 'invalid symbol'],
    ['/v1beta3/crypto/us/trades?symbols=AAPL', 400, 'invalid symbol'],
    ['/v2/stocks/ZZZZ/trades/latest', 404, 'no trade found for ZZZZ'],
    ['/v2/stocks/AAPL/nonsense', 404, 'not found'],
  ])('answers %s with %i', async (path, status, message) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    const body = restErrorSchema.parse(response.body);
    expect(body.message).toContain(message);
    expect('code' in body && Math.floor(body.code / 100_000)).toBe(status);
  });

  it('refuses methods other than GET', async () => {
    const response = await fetch(server.url('/v2/stocks/AAPL/bars?timeframe=1Min'), {
      method: 'POST',
      headers: KEY,
    });
    expect(response.status).toBe(405);
  });
});
