import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { FeedClient, type Timers } from '../../../engine/marketdata/feed-client.ts';
import { FeedMetrics } from '../../../engine/marketdata/feed-metrics.ts';
import type { FeedState } from '../../../engine/marketdata/feed-state.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { waitFor } from './feed-harness.ts';

/**
 * A scripted peer: greets, accepts any auth, then answers the subscribe with the error under
 * test, exactly as Alpaca frames it. Records what the client sent.
 */
async function scriptedServer(errorCode: number): Promise<{ server: WebSocketServer; received: unknown[] }> {
  const received: unknown[] = [];
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.send(JSON.stringify([{ T: 'success', msg: 'connected' }]));
    socket.on('message', (data) => {
      const action = JSON.parse(String(data)) as { action: string };
      received.push(action);
      if (action.action === 'auth') socket.send(JSON.stringify([{ T: 'success', msg: 'authenticated' }]));
      else socket.send(JSON.stringify([{ T: 'error', code: errorCode, msg: `error ${errorCode}` }]));
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, received };
}

let client: FeedClient | undefined;
let server: WebSocketServer | undefined;

afterEach(async () => {
  await client?.stop();
  client = undefined;
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

describe('Class: FeedClient, server errors', () => {
  it.each([
    [402, 'fatal'],
    [405, 'fatal'],
    [409, 'fatal'],
    [410, 'fatal'],
    [411, 'fatal'],
    [400, 'backing_off'],
    [401, 'backing_off'],
    [404, 'backing_off'],
    [406, 'backing_off'],
    [407, 'backing_off'],
    [500, 'backing_off'],
  ] as const)('error %d after the subscribe leads to %s', async (code, expected) => {
    const scripted = await scriptedServer(code);
    server = scripted.server;
    const delays: number[] = [];
    const timers: Timers = {
      setTimeout: (_callback, ms) => {
        delays.push(ms);
        return undefined;
      },
      clearTimeout: () => {},
    };
    const states: FeedState[] = [];
    client = new FeedClient({
      url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/v2/iex`,
      keyId: 'KEY',
      secretKey: 'SECRET',
      subscription: { quotes: ['AAPL'], bars: ['AAPL'] },
      clock: new ManualClock(0),
      metrics: new FeedMetrics(),
      timers,
      random: () => 0.5,
      backoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
      connectionLimitDelayMs: 30_000,
      silenceTimeoutMs: 1_000_000,
      listener: { onData: () => {}, onStateChange: (state) => states.push(state) },
    });
    client.start();
    await waitFor(expected, () => client!.state === expected);
    expect(states).toStrictEqual(['connecting', 'authenticating', 'subscribing', expected]);
    expect(scripted.received).toStrictEqual([
      { action: 'auth', key: 'KEY', secret: 'SECRET' },
      { action: 'subscribe', quotes: ['AAPL'], bars: ['AAPL'] },
    ]);
    const retryDelays = delays.filter((ms) => ms !== 250_000); // not the liveness check
    if (expected === 'fatal') {
      expect(client.fatalError?.code).toBe(code);
      expect(client.fatalError?.message).not.toMatch(/KEY|SECRET/);
      expect(retryDelays).toStrictEqual([]);
    } else {
      expect(client.fatalError).toBeUndefined();
      expect(retryDelays).toStrictEqual([code === 406 ? 30_050 : 50]);
    }
  });
});
