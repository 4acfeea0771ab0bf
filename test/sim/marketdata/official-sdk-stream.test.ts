/**
 * The official SDK's market-data stream clients (@alpacahq/alpaca-trade-api 4) pointed at the
 * simulator with their `url` option: they speak MessagePack, authenticate, subscribe and
 * receive trades, quotes, bars, statuses, LULD bands and crypto order books.
 */
import { Alpaca } from '@alpacahq/alpaca-trade-api';
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
    return new Alpaca({ keyId, secret, paper: true });
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
