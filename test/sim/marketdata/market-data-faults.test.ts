import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  luldMessageSchema,
  stockQuoteMessageSchema,
  tradingStatusMessageSchema,
} from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import {
  dataMessages,
  KEY,
  type MarketDataServer,
  StreamClient,
  startMarketDataServer,
} from './market-data-server.ts';

describe('Feature: market-data admin and fault injection', () => {
  let server: MarketDataServer;
  const clients: StreamClient[] = [];

  beforeEach(async () => {
    server = await startMarketDataServer({ messagesPerSecond: 1_000, symbols: ['AAPL', 'SPY'] });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  async function subscribed(msgpack = false): Promise<StreamClient> {
    const client = new StreamClient(`ws://127.0.0.1:${server.port}/v2/iex`, { msgpack });
    clients.push(client);
    await client.authenticate();
    client.send({ action: 'subscribe', quotes: ['*'], trades: ['*'], statuses: ['*'], lulds: ['*'] });
    await client.frameCount(3);
    return client;
  }

  async function admin(
    action: string,
    body: unknown,
    method = 'POST',
  ): Promise<{ status: number; body: unknown }> {
    const response = await fetch(server.url(`/admin/marketdata/${action}`), {
      method,
      headers: { 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.json() };
  }

  /** Moves the market `count` times, letting each step's batch go out as its own frame. */
  async function advanceInFrames(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      server.advance(50);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Data frames only: frames whose first message is not a control message. */
  function dataFrames(client: StreamClient): (string | Buffer)[] {
    return client.raw.filter(
      (_raw, index) => !['success', 'error', 'subscription'].includes(client.frames[index]![0]!.T as string),
    );
  }

  it('lists the open connections', async () => {
    await subscribed();
    const { status, body } = await admin('connections', undefined, 'GET');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      connections: [
        {
          path: '/v2/iex',
          codec: 'json',
          state: 'authenticated',
          subscriptions: { trades: ['*'], lulds: ['*'] },
        },
      ],
    });
  });

  it('counts connections and the errors sent, by code', async () => {
    const client = await subscribed();
    client.send({ action: 'subscribe', orderbooks: ['AAPL'] });
    client.socket.send('{');
    await client.frameCount(5);
    const { body } = await admin('stats', undefined, 'GET');
    expect(body).toStrictEqual({
      connectionsAccepted: 1,
      errorsSent: { 400: 1, 410: 1 },
      messagesSent: {},
      openConnections: 1,
    });
  });

  it('counts the data messages handed to each socket, by channel, as the client receives them', async () => {
    const client = await subscribed();
    await advanceInFrames(5);
    await client.until((frames) => dataMessages(frames).length > 0);
    const received = dataMessages(client.frames);
    const { body } = await admin('stats', undefined, 'GET');
    const sent = (body as { messagesSent: Record<string, number> }).messagesSent;
    const byType = (type: string) => received.filter((message) => message.T === type).length;
    expect(sent).toStrictEqual({
      ...(byType('q') > 0 ? { quotes: byType('q') } : {}),
      ...(byType('t') > 0 ? { trades: byType('t') } : {}),
    });
    const listing = (await admin('connections', undefined, 'GET')).body as {
      connections: { messagesSent: number }[];
    };
    expect(listing.connections[0]!.messagesSent).toBe(received.length);
  });

  it('stops and restarts the generator on request', async () => {
    const stop = vi.spyOn(server.market, 'stop');
    const start = vi.spyOn(server.market, 'start').mockImplementation(() => undefined);
    expect((await admin('generator', { running: false })).body).toStrictEqual({ ok: true });
    expect((await admin('generator', { running: 'no' })).status).toBe(400);
    expect((await admin('generator', { running: true })).body).toStrictEqual({ ok: true });
    expect([stop.mock.calls.length, start.mock.calls.length]).toStrictEqual([1, 1]);
  });

  it('drops every connection abruptly, or with a close frame', async () => {
    const client = await subscribed();
    const code = new Promise<number>((resolve) => client.socket.once('close', resolve));
    expect((await admin('faults/drop', {})).body).toStrictEqual({ ok: true, connections: 1 });
    expect(await code).toBe(1006);
    const polite = await subscribed();
    const politeCode = new Promise<number>((resolve) => polite.socket.once('close', resolve));
    await admin('faults/drop', { mode: 'close', path: '/v2/iex' });
    expect(await politeCode).toBe(1001);
  });

  it('drops only the connections on the given path', async () => {
    await subscribed();
    expect((await admin('faults/drop', { path: '/v1beta3/crypto/us' })).body).toStrictEqual({
      ok: true,
      connections: 0,
    });
  });

  it('silences a connection: no data, no pongs, socket still open; clear resumes', async () => {
    const client = await subscribed();
    await admin('faults/silence', {});
    const before = client.frames.length;
    server.advance(1_000);
    let ponged = false;
    client.socket.once('pong', () => {
      ponged = true;
    });
    client.socket.ping();
    // A control reply travels the same path as data; once it arrives, earlier frames would have too.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.frames.length).toBe(before);
    expect(ponged).toBe(false);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await admin('faults/clear', {});
    server.advance(1_000);
    await client.until((frames) => frames.length > before);
    expect(dataMessages(client.frames.slice(before)).length).toBeGreaterThan(0);
  });

  it('delays every frame by the given time', async () => {
    const client = await subscribed();
    await admin('faults/delay', { ms: 400 });
    const before = client.frames.length;
    const sentAt = Date.now();
    server.advance(100);
    await client.until((frames) => frames.length > before);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(400);
  });

  it('sends each of the next N data frames twice', async () => {
    const client = await subscribed();
    await admin('faults/duplicate', { frames: 3 });
    await advanceInFrames(4);
    await client.until(() => dataFrames(client).length >= 7);
    const frames = dataFrames(client);
    expect(frames[0]).toStrictEqual(frames[1]);
    expect(frames[2]).toStrictEqual(frames[3]);
    expect(frames[4]).toStrictEqual(frames[5]);
    expect(frames[6]).not.toStrictEqual(frames[5]);
  });

  it('swaps the next N pairs of data frames', async () => {
    const client = await subscribed();
    await admin('faults/reorder', { frames: 1 });
    await advanceInFrames(3);
    await client.until(() => dataFrames(client).length >= 3);
    // Fixed-width stamps compare in time order as strings.
    const firstStamp = (frame: string | Buffer): string => {
      const stamp = (JSON.parse(String(frame)) as { t: string }[])[0]!.t.slice(0, -1);
      return stamp.includes('.') ? stamp.padEnd(29, '0') : `${stamp}.000000000`;
    };
    const stamps = dataFrames(client).map(firstStamp);
    expect(stamps[0]! > stamps[1]!).toBe(true);
    expect(stamps[1]! < stamps[2]! && stamps[0]! < stamps[2]!).toBe(true);
  });

  it.each([
    ['truncated', false],
    ['not-json', false],
    ['wrong-shape', false],
    ['truncated', true],
    ['not-json', true],
  ])('sends a malformed %s frame (msgpack: %s)', async (kind, msgpack) => {
    const client = await subscribed(msgpack);
    await admin('faults/malformed', { kind });
    await client.frameCount(4);
    const frame = client.frames[3]!;
    expect(
      Array.isArray(frame) &&
        frame.every((message) => typeof message.T === 'string' && message.T.length === 1),
    ).toBe(false);
  });

  it('sets a quote, halts, resumes, sets LULD bands and prints a trade through the admin API', async () => {
    const client = await subscribed();
    expect(
      (await admin('quote', { symbol: 'AAPL', bidPrice: 150, askPrice: 150.05, hold: true })).status,
    ).toBe(200);
    expect((await admin('halt', { symbol: 'SPY' })).status).toBe(200);
    expect((await admin('resume', { symbol: 'SPY' })).status).toBe(200);
    expect((await admin('luld', { symbol: 'AAPL', limitUp: 160, limitDown: 140 })).status).toBe(200);
    expect((await admin('trade', { symbol: 'AAPL', price: 150.02, size: 100 })).status).toBe(200);
    expect((await admin('trade', { symbol: 'AAPL', price: -1, size: 100 })).status).toBe(400);
    await client.until((frames) => dataMessages(frames).some((message) => message.T === 't'));
    const data = dataMessages(client.frames);
    const quote = stockQuoteMessageSchema.parse(data.find((message) => message.T === 'q'));
    expect(quote).toMatchObject({ S: 'AAPL', bp: 150, ap: 150.05 });
    const statuses = data
      .filter((message) => message.T === 's')
      .map((message) => tradingStatusMessageSchema.parse(message));
    expect(statuses.map((status) => status.sm)).toStrictEqual([
      'Trading Halt',
      expect.stringMatching(/Resum/),
    ]);
    expect(luldMessageSchema.parse(data.find((message) => message.T === 'l'))).toMatchObject({
      u: 160,
      d: 140,
    });
    expect(data.find((message) => message.T === 't')).toMatchObject({ S: 'AAPL', p: 150.02, s: 100 });
    expect(server.market.latestQuote('AAPL')).toMatchObject({ bidPrice: 150, askPrice: 150.05 });
  });

  it.each([
    ['faults/delay', { ms: -1 }, 400],
    ['faults/delay', '{not json', 400],
    ['faults/duplicate', { frames: 2, extra: true }, 400],
    ['quote', { symbol: 'AAPL', bidPrice: 10 }, 400],
    ['quote', { symbol: 'NOPE', bidPrice: 10, askPrice: 11 }, 422],
    ['halt', { symbol: 'NOPE' }, 422],
    ['faults/explode', {}, 404],
  ])('refuses %s with %j: %i', async (action, body, status) => {
    const response = await admin(action, body);
    expect(response.status).toBe(status);
    expect(typeof (response.body as { error: unknown }).error).toBe('string');
  });

  it('refuses GET on an action', async () => {
    expect((await admin('faults/drop', undefined, 'GET')).status).toBe(405);
  });
});

describe('Feature: reconnecting to the market-data stream', () => {
  it('lets the same key authenticate again at once after closing, without a spurious 406', async () => {
    const server = await startMarketDataServer();
    const clients: StreamClient[] = [];
    try {
      let previous: StreamClient | undefined;
      for (let attempt = 0; attempt < 10; attempt++) {
        previous?.socket.close();
        const client = new StreamClient(`ws://127.0.0.1:${server.port}/v2/iex`, { headers: KEY });
        clients.push(client);
        await client.frameCount(2);
        expect(client.frames[1]).toStrictEqual([{ T: 'success', msg: 'authenticated' }]);
        previous = client;
      }
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });
});
