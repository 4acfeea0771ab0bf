import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type StreamState,
  TradeUpdatesClient,
} from '../../../../shared/broker/alpaca/trade-updates-client.ts';
import type { TradeUpdate } from '../../../../shared/broker/alpaca/trade-updates-client-types.ts';
import { parseFixed } from '../../../../shared/domain/fixed.ts';
import { wireOrder } from './wire-fixtures.ts';

/** A loopback peer speaking the trade_updates protocol, recording what clients send. */
class FakeTradingStream {
  readonly server: WebSocketServer;
  readonly received: unknown[] = [];
  readonly sockets: WebSocket[] = [];
  authorize = true;

  constructor(options: { autoPong?: boolean } = {}) {
    this.server = new WebSocketServer({ port: 0, host: '127.0.0.1', autoPong: options.autoPong ?? true });
    this.server.on('connection', (socket) => {
      this.sockets.push(socket);
      socket.on('message', (raw) => {
        const message = JSON.parse(String(raw)) as { action: string; data?: { streams?: string[] } };
        this.received.push(message);
        if (message.action === 'authenticate' || message.action === 'auth') {
          const status = this.authorize ? 'authorized' : 'unauthorized';
          socket.send(
            Buffer.from(
              JSON.stringify({ stream: 'authorization', data: { status, action: 'authenticate' } }),
            ),
          );
        } else if (message.action === 'listen') {
          socket.send(
            Buffer.from(JSON.stringify({ stream: 'listening', data: { streams: message.data?.streams } })),
          );
        }
      });
    });
  }

  listening(): Promise<void> {
    return new Promise((resolve) => {
      if (this.server.address() !== null) resolve();
      else this.server.once('listening', () => resolve());
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/stream`;
  }

  broadcast(message: unknown): void {
    for (const socket of this.sockets) socket.send(Buffer.from(JSON.stringify(message)));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

const fillMessage = {
  stream: 'trade_updates',
  data: {
    event: 'fill',
    execution_id: '2f63ea93-423d-4169-b3f6-3fdafc10c418',
    timestamp: '2022-04-19T17:45:05.024916716Z',
    price: '105.8988475',
    qty: '2',
    position_qty: '2',
    order: wireOrder({ status: 'filled', filled_qty: '2', filled_avg_price: '105.8988475' }),
  },
};

describe('Class: TradeUpdatesClient', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(
    options: { authForm?: 'authenticate' | 'auth'; heartbeatIntervalMs?: number } = {},
    autoPong = true,
  ) {
    const peer = new FakeTradingStream({ autoPong });
    await peer.listening();
    const updates: TradeUpdate[] = [];
    const states: StreamState[] = [];
    const invalid: string[] = [];
    const client = new TradeUpdatesClient({
      url: peer.url,
      credentials: { keyId: 'KEY', secretKey: 'SECRET' },
      ...options,
      onUpdate: (update) => updates.push(update),
      onStateChange: (state) => states.push(state),
      onInvalidMessage: (reason) => invalid.push(reason),
      reconnectBaseDelayMs: 10,
      reconnectMaxDelayMs: 50,
    });
    cleanups.push(() => peer.close());
    cleanups.push(() => client.stop());
    return { peer, client, updates, states, invalid };
  }

  it.each([
    ['authenticate', { action: 'authenticate', data: { key_id: 'KEY', secret_key: 'SECRET' } }],
    ['auth', { action: 'auth', key: 'KEY', secret: 'SECRET' }],
  ] as const)('authenticates with the %s form, listens, and becomes ready', async (authForm, expected) => {
    const { peer, client, states } = await setUp({ authForm });
    client.start();
    await waitFor(() => client.state === 'ready');
    expect(peer.received).toStrictEqual([
      expected,
      { action: 'listen', data: { streams: ['trade_updates'] } },
    ]);
    expect(states).toStrictEqual(['connecting', 'authenticating', 'subscribing', 'ready']);
  });

  it('delivers validated fills with per-execution quantity and price', async () => {
    const { peer, client, updates } = await setUp();
    client.start();
    await waitFor(() => client.state === 'ready');
    peer.broadcast(fillMessage);
    await waitFor(() => updates.length === 1);
    expect(updates[0]).toMatchObject({
      event: 'fill',
      timestampNs: 1_650_390_305_024_916_716n,
      execution: {
        executionId: '2f63ea93-423d-4169-b3f6-3fdafc10c418',
        qty: parseFixed('2'),
        price: parseFixed('105.8988475'),
        positionQty: parseFixed('2'),
      },
      order: { status: 'filled', filledQty: parseFixed('2') },
    });
  });

  it('counts invalid frames without acting on them or dropping the connection', async () => {
    const { peer, client, updates, invalid } = await setUp();
    client.start();
    await waitFor(() => client.state === 'ready');
    for (const socket of peer.sockets) socket.send('not json');
    peer.broadcast({ stream: 'trade_updates', data: { ...fillMessage.data, execution_id: undefined } });
    peer.broadcast({ action: 'error', data: { error_message: 'internal server error' } });
    peer.broadcast(fillMessage);
    await waitFor(() => updates.length === 1);
    expect(invalid).toHaveLength(3);
    expect(invalid[1]).toContain('execution_id');
    expect(client.state).toBe('ready');
  });

  it('reconnects after the server drops the socket and reports each state on the way', async () => {
    const { peer, client, states } = await setUp();
    client.start();
    await waitFor(() => client.state === 'ready');
    peer.sockets[0]!.terminate();
    await waitFor(() => client.readyCount === 2);
    expect(states).toStrictEqual([
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
      'reconnecting',
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
    ]);
  });

  it('keeps retrying with backoff when refused, and never reports ready', async () => {
    const { peer, client, invalid } = await setUp();
    peer.authorize = false;
    client.start();
    await waitFor(() => invalid.length >= 2);
    expect(invalid[0]).toContain('authorization refused');
    expect(client.readyCount).toBe(0);
  });

  it('treats a connection that stops answering pings as lost and reconnects', async () => {
    const { client, states } = await setUp({ heartbeatIntervalMs: 30 }, false);
    client.start();
    await waitFor(() => client.readyCount >= 2);
    expect(states.slice(0, 5)).toStrictEqual([
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
      'reconnecting',
    ]);
  });
});
