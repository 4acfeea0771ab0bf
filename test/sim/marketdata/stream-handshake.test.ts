import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  errorMessageSchema,
  stockSubscriptionMessageSchema,
  successMessageSchema,
} from '../../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { KEY, type MarketDataServer, StreamClient, startMarketDataServer } from './market-data-server.ts';

describe('Feature: market-data stream handshake', () => {
  let server: MarketDataServer;
  const clients: StreamClient[] = [];
  const connect = (
    path = '/v2/iex',
    options: ConstructorParameters<typeof StreamClient>[1] = {},
  ): StreamClient => {
    const client = new StreamClient(`ws://127.0.0.1:${server.port}${path}`, options);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    server = await startMarketDataServer({}, { stream: { authTimeoutMs: 300, symbolLimit: 3 } });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  it.each(['/v2/iex', '/v2/sip', '/v2/test', '/v1beta3/crypto/us'])(
    'greets with connected and authenticates on %s',
    async (path) => {
      const client = connect(path);
      await client.authenticate();
      expect(client.frames).toStrictEqual([
        [{ T: 'success', msg: 'connected' }],
        [{ T: 'success', msg: 'authenticated' }],
      ]);
      for (const frame of client.frames) expect(successMessageSchema.safeParse(frame[0]).success).toBe(true);
    },
  );

  it('accepts auth sent before connected arrives, as the JS SDK does', async () => {
    const client = connect();
    await new Promise((resolve) => client.socket.once('open', resolve));
    client.send({ action: 'auth', key: 'TESTKEY', secret: 'TESTSECRET' });
    const frames = await client.frameCount(2);
    expect(frames[1]).toStrictEqual([{ T: 'success', msg: 'authenticated' }]);
  });

  it('authenticates from the key headers on the upgrade request', async () => {
    const client = connect('/v2/iex', { headers: KEY });
    const frames = await client.frameCount(2);
    expect(frames).toStrictEqual([
      [{ T: 'success', msg: 'connected' }],
      [{ T: 'success', msg: 'authenticated' }],
    ]);
  });

  it('answers wrong keys with 402 auth failed and closes', async () => {
    const client = connect();
    await client.authenticate('TESTKEY', 'wrong');
    expect(client.frames[1]).toStrictEqual([{ T: 'error', code: 402, msg: 'auth failed' }]);
    await client.waitClosed();
  });

  it('answers a subscribe before auth with 401 not authenticated', async () => {
    const client = connect();
    await client.frameCount(1);
    client.send({ action: 'subscribe', trades: ['AAPL'] });
    const frames = await client.frameCount(2);
    expect(frames[1]).toStrictEqual([{ T: 'error', code: 401, msg: 'not authenticated' }]);
  });

  it('answers a second auth with 403 already authenticated', async () => {
    const client = connect();
    await client.authenticate();
    client.send({ action: 'auth', key: 'TESTKEY', secret: 'TESTSECRET' });
    const frames = await client.frameCount(3);
    expect(frames[2]).toStrictEqual([{ T: 'error', code: 403, msg: 'already authenticated' }]);
  });

  it('answers a silent client with 404 auth timeout and closes', async () => {
    const client = connect();
    await client.waitClosed(3_000);
    expect(client.frames[1]).toStrictEqual([{ T: 'error', code: 404, msg: 'auth timeout' }]);
  });

  it('refuses a second connection for the same key on one endpoint with 406, but not on another', async () => {
    const first = connect();
    await first.authenticate();
    const second = connect();
    await second.authenticate();
    expect(second.frames[1]).toStrictEqual([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
    await second.waitClosed();
    const crypto = connect('/v1beta3/crypto/us');
    await crypto.authenticate();
    expect(crypto.frames[1]).toStrictEqual([{ T: 'success', msg: 'authenticated' }]);
  });

  it.each([
    ['malformed JSON', '{"action":"auth",', 400, 'invalid syntax'],
    ['a JSON array', '[1,2]', 400, 'invalid syntax'],
    ['an unknown action', '{"action":"dance"}', 400, 'invalid syntax'],
    ['auth without a secret', '{"action":"auth","key":"TESTKEY"}', 400, 'invalid syntax'],
  ])('answers %s with %i', async (_name, text, code, msg) => {
    const client = connect();
    await client.frameCount(1);
    client.socket.send(text);
    const frames = await client.frameCount(2);
    expect(frames[1]).toStrictEqual([{ T: 'error', code, msg }]);
    expect(errorMessageSchema.safeParse(frames[1]![0]).success).toBe(true);
  });

  it.each([
    ['a channel the feed lacks', { orderbooks: ['AAPL'] }, 410, 'invalid subscribe action for this feed'],
    ['corrections directly', { corrections: ['AAPL'] }, 410, 'invalid subscribe action for this feed'],
    ['a badly formed symbol', { trades: ['aapl$'] }, 400, 'invalid syntax'],
    ['a channel that is not a list', { trades: 'AAPL' }, 400, 'invalid syntax'],
    ['more symbols than the plan allows', { trades: ['A', 'B', 'C', 'D'] }, 405, 'symbol limit exceeded'],
  ])(
    'refuses a subscription to %s with %i and keeps the previous set',
    async (_name, channels, code, msg) => {
      const client = connect();
      await client.authenticate();
      client.send({ action: 'subscribe', quotes: ['SPY'] });
      await client.frameCount(3);
      client.send({ action: 'subscribe', ...channels });
      await client.frameCount(4);
      expect(client.frames[3]).toStrictEqual([{ T: 'error', code, msg }]);
      client.send({ action: 'subscribe', bars: [] });
      const frames = await client.frameCount(5);
      expect(frames[4]![0]).toMatchObject({ T: 'subscription', quotes: ['SPY'], trades: [] });
    },
  );

  it('answers 409 insufficient subscription on a feed the plan does not cover', async () => {
    await server.close();
    server = await startMarketDataServer({}, { stream: { feeds: ['iex'] } });
    const client = connect('/v2/sip');
    await client.authenticate();
    expect(client.frames[1]).toStrictEqual([{ T: 'error', code: 409, msg: 'insufficient subscription' }]);
  });

  it('echoes the complete set after each subscribe and unsubscribe, corrections mirroring trades', async () => {
    const client = connect();
    await client.authenticate();
    client.send({
      action: 'subscribe',
      trades: ['AAPL'],
      quotes: ['AAPL', 'SPY'],
      bars: ['*'],
      updatedBars: [],
      dailyBars: [],
      statuses: [],
      lulds: [],
    });
    await client.frameCount(3);
    client.send({ action: 'unsubscribe', quotes: ['AAPL'] });
    const frames = await client.frameCount(4);
    const first = stockSubscriptionMessageSchema.parse(frames[2]![0]);
    expect(first).toStrictEqual({
      T: 'subscription',
      trades: ['AAPL'],
      quotes: ['AAPL', 'SPY'],
      bars: ['*'],
      updatedBars: [],
      dailyBars: [],
      statuses: [],
      lulds: [],
      corrections: ['AAPL'],
      cancelErrors: ['AAPL'],
    });
    expect(stockSubscriptionMessageSchema.parse(frames[3]![0]).quotes).toStrictEqual(['SPY']);
    expect(frames.every((frame) => frame.length === 1)).toBe(true);
  });

  it('answers WebSocket pings', async () => {
    const client = connect();
    await client.authenticate();
    const pong = new Promise<Buffer>((resolve) => client.socket.once('pong', resolve));
    client.socket.ping('are you there');
    expect((await pong).toString()).toBe('are you there');
  });

  it('refuses an upgrade on a path it does not serve', async () => {
    const client = connect('/v2/nonsense');
    await client.waitClosed();
    expect(client.frames).toStrictEqual([]);
  });
});

describe('Feature: slow market-data clients', () => {
  it('disconnects a client that stops reading once its send buffer passes the limit', async () => {
    const server = await startMarketDataServer(
      { messagesPerSecond: 50_000, symbols: ['AAPL'] },
      { stream: { maxBufferedBytes: 256 * 1024 } },
    );
    const client = new StreamClient(`ws://127.0.0.1:${server.port}/v2/iex`);
    try {
      await client.authenticate();
      client.send({ action: 'subscribe', quotes: ['*'] });
      await client.frameCount(3);
      const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      tcp.pause();
      const open = async (): Promise<number> => {
        const listing = (await (await fetch(server.url('/admin/marketdata/connections'))).json()) as {
          connections: unknown[];
        };
        return listing.connections.length;
      };
      for (let i = 0; i < 40 && (await open()) > 0; i++) server.advance(500);
      expect(await open()).toBe(0);
      tcp.resume();
      await client.waitClosed();
    } finally {
      client.close();
      await server.close();
    }
  });
});
