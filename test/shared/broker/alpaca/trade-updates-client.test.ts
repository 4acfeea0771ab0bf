/**
 * The trade_updates protocol on the shared connection: auth forms, listen, validation. What the
 * connection itself promises (refused keys, zombies, backoff) is in stream-connection.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamState } from '../../../../shared/broker/alpaca/stream-connection-states.ts';
import { TradeUpdatesClient } from '../../../../shared/broker/alpaca/trade-updates-client.ts';
import { parseFixed } from '../../../../shared/domain/fixed.ts';
import type { VenueOrderEvent } from '../../../../shared/venue/venue-types.ts';
import { FakeStreamPeer } from './stream-peers.ts';
import { waitFor } from './wait-for.ts';
import { wireOrder } from './wire-fixtures.ts';

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

  async function setUp(options: { authForm?: 'authenticate' | 'auth' } = {}) {
    const peer = await FakeStreamPeer.start('trade updates');
    const updates: VenueOrderEvent[] = [];
    const states: StreamState[] = [];
    const invalid: string[] = [];
    const client = new TradeUpdatesClient({
      url: peer.url,
      credentials: { keyId: 'KEY', secretKey: 'SECRET' },
      ...options,
      onUpdate: (update) => updates.push(update),
      onStateChange: (state) => states.push(state),
      onInvalidMessage: (reason) => invalid.push(reason),
      backoff: { baseDelayMs: 10, maxDelayMs: 50 },
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
    await waitFor('ready', () => client.state === 'ready');
    expect(peer.received).toStrictEqual([
      expected,
      { action: 'listen', data: { streams: ['trade_updates'] } },
    ]);
    expect(states).toStrictEqual(['connecting', 'authenticating', 'subscribing', 'ready']);
  });

  it('delivers validated fills with per-execution quantity and price', async () => {
    const { peer, client, updates } = await setUp();
    client.start();
    await waitFor('ready', () => client.state === 'ready');
    peer.broadcast(fillMessage);
    await waitFor('the update', () => updates.length === 1);
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
    await waitFor('ready', () => client.state === 'ready');
    for (const socket of peer.sockets) socket.send('not json');
    peer.broadcast({ stream: 'trade_updates', data: { ...fillMessage.data, execution_id: undefined } });
    peer.broadcast({ action: 'error', data: { error_message: 'internal server error' } });
    peer.broadcast(fillMessage);
    await waitFor('the update', () => updates.length === 1);
    expect(invalid).toHaveLength(3);
    expect(invalid[1]).toContain('execution_id');
    expect(client.state).toBe('ready');
  });

  it('reconnects after the server drops the socket and reports each state on the way', async () => {
    const { peer, client, states } = await setUp();
    client.start();
    await waitFor('ready', () => client.state === 'ready');
    peer.sockets[0]!.terminate();
    await waitFor('ready again', () => client.readyCount === 2);
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
});
