/**
 * The official SDK's market-data stream clients (@alpacahq/alpaca-trade-api 4) pointed at the
 * simulator with their `url` option: they speak MessagePack, authenticate, subscribe and
 * receive trades, quotes, bars, statuses, LULD bands and crypto order books.
 */
import { Alpaca, TimeFrame, TimeFrameUnit, timeFrame } from '@alpacahq/alpaca-trade-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type MarketDataServer, startMarketDataServer } from './market-data-server.ts';

async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('official SDK market-data streams against the simulator', () => {
  let server: MarketDataServer;
  const disconnects: (() => void)[] = [];

  afterEach(async () => {
    for (const disconnect of disconnects.splice(0)) disconnect();
    await server.close();
  });

  function sdk(keyId = 'TESTKEY', secret = 'TESTSECRET'): Alpaca {
    // REST goes to data.alpaca.markets; the SDK's fetchApi option sends it to the simulator instead.
    const redirect: typeof fetch = (input, init) => {
      const original = new URL(input instanceof Request ? input.url : String(input));
      return fetch(server.url(`${original.pathname}${original.search}`), init);
    };
    return new Alpaca({ keyId, secret, paper: true, retry: false, rateLimit: false, fetchApi: redirect });
  }

  it('streams stock trades, quotes, bars, statuses and LULD bands over msgpack', async () => {
    server = await startMarketDataServer({ messagesPerSecond: 200, symbols: ['AAPL', 'SPY'] });
    const stream = sdk().marketData.stockStream({ feed: 'iex', url: `ws://127.0.0.1:${server.port}/v2/iex` });
    disconnects.push(() => stream.disconnect());
    const seen = { trades: 0, quotes: 0, bars: 0, statuses: 0, lulds: 0 };
    const errors: unknown[] = [];
    let lastQuote:
      | { BidPrice?: number; bidPrice?: number; Timestamp?: unknown; timestamp?: unknown }
      | undefined;
    stream.onTrade(() => seen.trades++);
    stream.onQuote((quote) => {
      seen.quotes++;
      lastQuote = quote as typeof lastQuote;
    });
    stream.onBar(() => seen.bars++);
    stream.onStatus(() => seen.statuses++);
    stream.onLuld(() => seen.lulds++);
    stream.onError((error) => errors.push(error));
    stream.onConnect(() => {
      stream.subscribeForTrades(['AAPL']);
      stream.subscribeForQuotes(['AAPL']);
      stream.subscribeForBars(['*']);
      stream.subscribeForStatuses(['*']);
      stream.subscribeForLulds(['*']);
    });
    stream.connect();
    expect(await stream.waitForAuthentication(5_000)).toBe(true);
    type Listing = { connections: { codec: string; subscriptions: { lulds: string[] } }[] };
    let listing: Listing = { connections: [] };
    const listed = async (): Promise<boolean> => {
      listing = (await (await fetch(server.url('/admin/marketdata/connections'))).json()) as Listing;
      return listing.connections[0]?.subscriptions.lulds.length === 1;
    };
    const deadline = Date.now() + 5_000;
    while (!(await listed()) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(listing.connections[0]!.codec).toBe('msgpack');
    server.market.halt('AAPL');
    server.market.resume('AAPL');
    server.advance(61_000);
    await until(() => seen.bars > 0 && seen.lulds > 0 && seen.statuses === 2 && seen.trades > 0);
    expect(seen.quotes).toBeGreaterThan(0);
    expect(errors).toStrictEqual([]);
    expect(lastQuote).toBeDefined();
  });

  it('streams crypto trades, quotes and order books', async () => {
    server = await startMarketDataServer({ messagesPerSecond: 200, symbols: ['BTC/USD'] });
    const stream = sdk().marketData.cryptoStream({ url: `ws://127.0.0.1:${server.port}/v1beta3/crypto/us` });
    disconnects.push(() => stream.disconnect());
    const seen = { trades: 0, quotes: 0, books: 0 };
    stream.onTrade(() => seen.trades++);
    stream.onQuote(() => seen.quotes++);
    stream.onOrderbook(() => seen.books++);
    stream.onConnect(() => {
      stream.subscribeForTrades(['BTC/USD']);
      stream.subscribeForQuotes(['BTC/USD']);
      stream.subscribeForOrderbooks(['BTC/USD']);
    });
    stream.connect();
    expect(await stream.waitForAuthentication(5_000)).toBe(true);
    await until(() => seen.books > 0);
    server.advance(2_000);
    await until(() => seen.trades > 0 && seen.quotes > 0 && seen.books > 1);
  });

  it('backfills stock and crypto bars and trades through the SDK’s REST accessors, across pages', async () => {
    server = await startMarketDataServer({ messagesPerSecond: 50, symbols: ['AAPL', 'SPY', 'BTC/USD'] });
    server.advance(30 * 60_000);
    const start = new Date(server.clock.nowMs() - 30 * 60_000);
    const alpaca = sdk();
    const bars = await alpaca.marketData.getStockBars({
      symbols: ['AAPL', 'SPY'],
      timeframe: TimeFrame.Minute,
      start,
      limit: 7,
    });
    expect(bars.AAPL!.length).toBe(server.market.history.bars('AAPL')!.minute.length);
    expect(bars.SPY!.length).toBe(server.market.history.bars('SPY')!.minute.length);
    const crypto = await alpaca.marketData.getCryptoBars({
      loc: 'us',
      symbols: ['BTC/USD'],
      timeframe: timeFrame(5, TimeFrameUnit.Minute),
      start,
    });
    expect(crypto['BTC/USD']!.length).toBe(6);
    const trades = await alpaca.marketData.getStockTrades({ symbols: ['AAPL'], start, limit: 100 });
    expect(trades.AAPL!.length).toBeGreaterThan(100);
  });

  it('reports the server’s 402 on wrong keys', async () => {
    server = await startMarketDataServer();
    const stream = sdk('TESTKEY', 'wrong').marketData.stockStream({
      feed: 'iex',
      url: `ws://127.0.0.1:${server.port}/v2/iex`,
      reconnect: false,
    });
    disconnects.push(() => stream.disconnect());
    stream.connect();
    const result = await stream.whenAuthenticated();
    expect(result.authenticated).toBe(false);
    expect(result.code).toBe(402);
  });
});
