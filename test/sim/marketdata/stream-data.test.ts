import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  cryptoDataMessageSchema,
  cryptoSubscriptionMessageSchema,
  stockDataMessageSchema,
} from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import {
  dataMessages,
  type Frame,
  type MarketDataServer,
  StreamClient,
  startMarketDataServer,
} from './market-data-server.ts';

const ALL_STOCK_CHANNELS = {
  trades: ['*'],
  quotes: ['*'],
  bars: ['*'],
  updatedBars: ['*'],
  dailyBars: ['*'],
  statuses: ['*'],
  lulds: ['*'],
};
const ALL_CRYPTO_CHANNELS = {
  trades: ['*'],
  quotes: ['*'],
  bars: ['*'],
  updatedBars: ['*'],
  dailyBars: ['*'],
  orderbooks: ['*'],
};

function expectValid(schema: z.ZodType, messages: readonly Record<string, unknown>[]): void {
  for (const message of messages) {
    const result = schema.safeParse(message);
    if (!result.success) throw new Error(`${JSON.stringify(message)}: ${result.error.message}`);
  }
}

function typesOf(messages: readonly Record<string, unknown>[]): string[] {
  return [...new Set(messages.map((message) => message.T as string))].sort();
}

describe('Feature: market-data stream data', () => {
  let server: MarketDataServer;
  const clients: StreamClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.close();
  });

  async function subscribed(
    path: string,
    channels: Record<string, string[]>,
    options: ConstructorParameters<typeof StreamClient>[1] = {},
  ): Promise<StreamClient> {
    const client = new StreamClient(`ws://127.0.0.1:${server.port}${path}`, options);
    clients.push(client);
    await client.authenticate();
    client.send({ action: 'subscribe', ...channels });
    await client.frameCount(3);
    return client;
  }

  /** Runs the market for a minute and a half with a halt, a resume and LULD bands on the way. */
  async function runMarket(client: StreamClient): Promise<Frame[]> {
    server.market.halt('AAPL');
    server.advance(1_000);
    server.market.resume('AAPL');
    server.advance(150_000);
    await client.barrier();
    return client.frames;
  }

  it.each([false, true])(
    'sends every stock message type matching Alpaca’s schemas (msgpack: %s)',
    async (msgpack) => {
      server = await startMarketDataServer({ messagesPerSecond: 500 });
      const client = await subscribed('/v2/iex', ALL_STOCK_CHANNELS, { msgpack });
      const frames = await runMarket(client);
      const data = dataMessages(frames);
      expectValid(stockDataMessageSchema, data);
      expect(typesOf(data)).toStrictEqual(['b', 'd', 'l', 'q', 's', 't', 'u']);
      expect(data.every((message) => message.S !== 'BTC/USD')).toBe(true);
      const timestamps = data.filter((message) => message.T === 'q').map((message) => message.t as string);
      expect(timestamps.some((t) => /\.\d{9}Z$/.test(t))).toBe(true);
      expect(data.find((message) => message.T === 'b')!.t).toMatch(/:00Z$/);
      for (const frame of frames) {
        const controls = frame.filter((message) =>
          ['success', 'error', 'subscription'].includes(message.T as string),
        );
        expect(controls.length === 0 || frame.length === 1).toBe(true);
      }
      if (msgpack) expect(client.raw.every((frame) => Buffer.isBuffer(frame))).toBe(true);
      else expect(client.raw.every((frame) => typeof frame === 'string')).toBe(true);
    },
  );

  it.each([false, true])(
    'sends crypto messages and order books matching the schemas (msgpack: %s)',
    async (msgpack) => {
      server = await startMarketDataServer({ messagesPerSecond: 500 });
      const client = await subscribed('/v1beta3/crypto/us', ALL_CRYPTO_CHANNELS, { msgpack });
      expect(cryptoSubscriptionMessageSchema.parse(client.frames[2]![0]).orderbooks).toStrictEqual(['*']);
      server.advance(61_000);
      await client.until((frames) => dataMessages(frames).some((message) => message.T === 'd'));
      const data = dataMessages(client.frames);
      expectValid(cryptoDataMessageSchema, data);
      expect(typesOf(data)).toStrictEqual(['b', 'd', 'o', 'q', 't']);
      const books = data.filter((message) => message.T === 'o');
      expect(books[0]).toMatchObject({ S: 'BTC/USD', r: true });
      expect(books.slice(1).every((book) => book.r === undefined)).toBe(true);
      expect(books.slice(1).some((book) => (book.b as { s: number }[]).some((level) => level.s === 0))).toBe(
        true,
      );
    },
  );

  it('batches several data messages per frame, never more than maxBatch', async () => {
    server = await startMarketDataServer(
      { messagesPerSecond: 20_000, symbols: ['AAPL', 'SPY'] },
      { stream: { maxBatch: 25 } },
    );
    const client = await subscribed('/v2/sip', { quotes: ['*'], trades: ['*'] });
    server.advance(100);
    await client.until((frames) => dataMessages(frames).length >= 1_500);
    const dataFrames = client.frames.slice(3);
    expect(dataFrames.every((frame) => frame.length <= 25)).toBe(true);
    expect(dataFrames.filter((frame) => frame.length === 25).length).toBeGreaterThan(50);
  });

  it('sends only the subscribed symbols and channels, and stops after unsubscribe', async () => {
    server = await startMarketDataServer({ messagesPerSecond: 2_000 });
    const client = await subscribed('/v2/iex', { quotes: ['AAPL'] });
    server.advance(500);
    await client.until((frames) => dataMessages(frames).length > 0);
    expect(dataMessages(client.frames).every((message) => message.T === 'q' && message.S === 'AAPL')).toBe(
      true,
    );
    client.send({ action: 'unsubscribe', quotes: ['AAPL'] });
    await client.until((frames) => frames.at(-1)![0]!.T === 'subscription');
    const before = dataMessages(client.frames).length;
    server.advance(500);
    client.send({ action: 'subscribe', lulds: ['SPY'] });
    await client.until((frames) => frames.filter((frame) => frame[0]!.T === 'subscription').length === 3);
    expect(dataMessages(client.frames).length).toBe(before);
  });

  it('compresses frames with permessage-deflate when the client offers it', async () => {
    server = await startMarketDataServer({ messagesPerSecond: 5_000, symbols: ['AAPL', 'SPY'] });
    const client = await subscribed('/v2/iex', { quotes: ['*'] }, { deflate: true });
    expect(client.socket.extensions).toContain('permessage-deflate');
    server.advance(200);
    await client.until((frames) => dataMessages(frames).length >= 800);
    expectValid(stockDataMessageSchema, dataMessages(client.frames));
  });

  it('sends byte-identical frames for the same seed', async () => {
    const record = async (): Promise<(string | Buffer)[]> => {
      server = await startMarketDataServer({ messagesPerSecond: 1_000, seed: 99 });
      const client = await subscribed('/v2/iex', ALL_STOCK_CHANNELS);
      for (let i = 0; i < 70; i++) server.advance(1_000);
      await client.barrier();
      client.close();
      await server.close();
      return client.raw;
    };
    const first = await record();
    const second = await record();
    expect(first.length).toBeGreaterThan(70);
    expect(second).toStrictEqual(first);
  });
});
