import { afterEach, describe, expect, it } from 'vitest';
import {
  tradeUpdateSchema,
  tradingStreamMessageSchema,
} from '../../../shared/broker/alpaca/trading-schemas.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { quote, rest, startVirtualSim, type VirtualSim } from '../trading/sim-client.ts';
import { StreamClient, StreamClients } from './stream-client.ts';

const order = (fields: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '10',
  side: 'buy',
  type: 'limit',
  limit_price: '90',
  time_in_force: 'gtc',
  ...fields,
});

describe('trade updates stream at /stream', () => {
  let running: VirtualSim;
  const streams = new StreamClients();
  afterEach(async () => {
    streams.closeAll();
    await running.sim.close();
  });

  const connect = async () => streams.add(await StreamClient.connect(running.sim.tradeUpdatesUrl));
  const listening = () => streams.listening(running.sim);

  async function place(fields: Record<string, unknown> = {}) {
    const answer = await rest(running.sim, 'POST', '/v2/orders', order(fields));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }

  const advance = (ms = 0) => running.sim.advanceTo(running.clock.nowMs() + ms);

  /** Events as "event:orderId-prefix" for compact assertions. */
  function eventsOf(client: StreamClient): string[] {
    return client.updates().map((update) => update.event);
  }

  it.each([
    ['auth', { action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: DEFAULT_SIM_SECRET_KEY }],
    [
      'authenticate',
      { action: 'authenticate', data: { key_id: DEFAULT_SIM_KEY_ID, secret_key: DEFAULT_SIM_SECRET_KEY } },
    ],
  ])('authorizes the %s form with binary JSON frames', async (_form, message) => {
    running = await startVirtualSim();
    const client = await connect();
    client.send(message);
    await client.waitForFrames(1);
    expect(client.frames[0]!.binary).toBe(true);
    expect(tradingStreamMessageSchema.parse(JSON.parse(client.frames[0]!.text))).toStrictEqual({
      stream: 'authorization',
      data: { status: 'authorized', action: 'authenticate' },
    });
  });

  it('refuses wrong keys, and listen before authentication', async () => {
    running = await startVirtualSim();
    const client = await connect();
    client.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    client.send({ action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: 'wrong' });
    client.send({ action: 'authenticate', data: { oauth_token: 'token' } });
    await client.waitForFrames(3);
    expect(client.messages()).toStrictEqual([
      { stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } },
      { stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate' } },
      { stream: 'authorization', data: { status: 'unauthorized', action: 'authenticate' } },
    ]);
    await place();
    advance();
    client.send({ action: 'nothing' });
    await client.waitForFrames(4);
    expect(client.updates()).toStrictEqual([]);
  });

  it('answers bad messages with an error and keeps the connection', async () => {
    running = await startVirtualSim();
    const client = await connect();
    client.socket.send('{not json');
    client.send(['auth']);
    client.send({ action: 'frobnicate' });
    await client.waitForFrames(3);
    expect(client.messages().map((message) => message.stream)).toStrictEqual(['error', 'error', 'error']);
    expect(running.sim.trading.stream.invalidMessageCount).toBe(3);
    client.send({ action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: DEFAULT_SIM_SECRET_KEY });
    await client.waitForFrames(4);
    expect(client.messages()[3]).toMatchObject({ data: { status: 'authorized' } });
  });

  it('treats listen as the full set: unknown streams dropped, an empty list stops updates', async () => {
    running = await startVirtualSim();
    const client = await connect();
    client.send({ action: 'auth', key: DEFAULT_SIM_KEY_ID, secret: DEFAULT_SIM_SECRET_KEY });
    client.send({ action: 'listen', data: { streams: ['trade_updates', 'account_updates'] } });
    await client.waitForFrames(2);
    expect(client.messages()[1]).toStrictEqual({ stream: 'listening', data: { streams: ['trade_updates'] } });
    client.send({ action: 'listen', data: { streams: [] } });
    await client.waitForFrames(3);
    expect(client.messages()[2]).toStrictEqual({ stream: 'listening', data: { streams: [] } });
    await place();
    advance();
    client.send({ action: 'listen', data: { streams: 'trade_updates' } });
    await client.waitForFrames(4);
    expect(client.messages()[3]!.stream).toBe('error');
    expect(client.updates()).toStrictEqual([]);
  });

  it('sends pending_new, new and fill with execution fields on a market order', async () => {
    running = await startVirtualSim();
    const client = await listening();
    quote(running.sim, 'AAPL', 100, 100.02);
    const placed = await place({ type: 'market', limit_price: null, time_in_force: 'day' });
    advance();
    await client.waitForUpdates(3);
    const updates = client.updates().map((update) => tradeUpdateSchema.parse(update));
    expect(updates.map((update) => update.event)).toStrictEqual(['pending_new', 'new', 'fill']);
    expect(updates.every((update) => update.order.id === placed.id)).toBe(true);
    const fill = updates[2]!;
    expect(fill).toMatchObject({ price: '100.02', qty: '10', position_qty: '10' });
    expect(fill.order).toMatchObject({ status: 'filled', filled_qty: '10', filled_avg_price: '100.02' });
    expect(client.frames.every((frame) => frame.binary)).toBe(true);
    expect(new Set(updates.map((update) => update.event_id)).size).toBe(3);
  });

  it('sends partial_fill then fill with per-execution price and qty', async () => {
    running = await startVirtualSim();
    const client = await listening();
    quote(running.sim, 'AAPL', 100, 100.02, 10, 4);
    await place({ type: 'market', limit_price: null, time_in_force: 'day' });
    advance();
    quote(running.sim, 'AAPL', 100, 100.04, 10, 100);
    await client.waitForUpdates(4);
    const fills = client
      .updates()
      .slice(2)
      .map((update) => tradeUpdateSchema.parse(update));
    expect(fills.map((fill) => [fill.event, fill.qty, fill.price, fill.position_qty])).toStrictEqual([
      ['partial_fill', '4', '100.02', '4'],
      ['fill', '6', '100.04', '10'],
    ]);
    expect(fills[0]!.execution_id).not.toBe(fills[1]!.execution_id);
  });

  it('sends pending_cancel then canceled', async () => {
    running = await startVirtualSim({ latencyMs: 5 });
    const client = await listening();
    const placed = await place();
    advance(5);
    await rest(running.sim, 'DELETE', `/v2/orders/${placed.id}`);
    advance(5);
    await client.waitForUpdates(4);
    expect(eventsOf(client)).toStrictEqual(['pending_new', 'new', 'pending_cancel', 'canceled']);
    expect(client.updates()[3].order.status).toBe('canceled');
  });

  it('sends order_cancel_rejected when a fill wins the race against a cancel', async () => {
    running = await startVirtualSim({ latencyMs: 5 });
    const client = await listening();
    quote(running.sim, 'AAPL', 100, 100.02);
    const placed = await place({ limit_price: '99' });
    advance(5);
    await rest(running.sim, 'DELETE', `/v2/orders/${placed.id}`);
    quote(running.sim, 'AAPL', 98.9, 98.95);
    advance(5);
    await client.waitForUpdates(5);
    expect(eventsOf(client)).toStrictEqual([
      'pending_new',
      'new',
      'pending_cancel',
      'fill',
      'order_cancel_rejected',
    ]);
  });

  it('sends pending_replace, replaced and the new order', async () => {
    running = await startVirtualSim({ latencyMs: 5 });
    const client = await listening();
    const placed = await place();
    advance(5);
    const replacement = (await rest(running.sim, 'PATCH', `/v2/orders/${placed.id}`, { limit_price: '91' }))
      .body;
    advance(5);
    await client.waitForUpdates(5);
    const updates = client.updates();
    expect(
      updates.map((update) => `${update.event}:${update.order.id === placed.id ? 'old' : 'new'}`),
    ).toStrictEqual(['pending_new:old', 'new:old', 'pending_replace:old', 'replaced:old', 'new:new']);
    expect(updates[3].order).toMatchObject({ status: 'replaced', replaced_by: replacement.id });
    expect(updates[4].order).toMatchObject({ replaces: placed.id, limit_price: '91' });
  });

  it('sends order_replace_rejected when the order fills before the replace lands', async () => {
    running = await startVirtualSim({ latencyMs: 5 });
    const client = await listening();
    quote(running.sim, 'AAPL', 100, 100.02);
    const placed = await place({ limit_price: '99' });
    advance(5);
    const replacement = (await rest(running.sim, 'PATCH', `/v2/orders/${placed.id}`, { limit_price: '98' }))
      .body;
    quote(running.sim, 'AAPL', 98.9, 98.95);
    advance(5);
    await client.waitForUpdates(5);
    expect(eventsOf(client)).toStrictEqual([
      'pending_new',
      'new',
      'pending_replace',
      'fill',
      'order_replace_rejected',
    ]);
    expect((await rest(running.sim, 'GET', `/v2/orders/${replacement.id}`)).body.status).toBe('rejected');
  });

  it('refuses to cancel an order whose replace is pending, on the stream', async () => {
    running = await startVirtualSim({ latencyMs: 5 });
    const client = await listening();
    const placed = await place();
    advance(5);
    await rest(running.sim, 'PATCH', `/v2/orders/${placed.id}`, { limit_price: '91' });
    expect((await rest(running.sim, 'DELETE', `/v2/orders/${placed.id}`)).status).toBe(204);
    advance(5);
    await client.waitForUpdates(6);
    expect(eventsOf(client)).toContain('order_cancel_rejected');
  });

  it('sends expired at the end of a day order and done_for_day for gtc in nyse hours', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' });
    const client = await listening();
    await place({ time_in_force: 'day' });
    await place();
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 20, 0, 0));
    await client.waitForUpdates(6);
    expect(eventsOf(client)).toStrictEqual([
      'pending_new',
      'pending_new',
      'new',
      'new',
      'done_for_day',
      'expired',
    ]);
    for (const update of client.updates()) tradeUpdateSchema.parse(update);
  });

  it('sends accepted outside the session and new when it opens (nyse hours)', async () => {
    running = await startVirtualSim({ sessionHours: 'nyse' }, Date.UTC(2026, 2, 10, 12, 0, 0));
    const client = await listening();
    quote(running.sim, 'AAPL', 100, 100.02);
    await place({ type: 'market', limit_price: null, time_in_force: 'day' });
    advance();
    running.sim.advanceTo(Date.UTC(2026, 2, 10, 13, 30, 0));
    await client.waitForUpdates(4);
    const updates = client.updates().map((update) => tradeUpdateSchema.parse(update));
    expect(updates.map((update) => `${update.event}:${update.order.status}`)).toStrictEqual([
      'pending_new:pending_new',
      'accepted:accepted',
      'new:new',
      'fill:filled',
    ]);
    expect(updates[3]!.timestamp).toBe('2026-03-10T13:30:00.000000000Z');
  });

  it('sends rejected for an order the venue rejects', async () => {
    running = await startVirtualSim();
    const client = await listening();
    await rest(running.sim, 'POST', '/admin/trading/faults/reject', { count: 1 });
    const placed = await place();
    advance();
    await client.waitForUpdates(2);
    expect(eventsOf(client)).toStrictEqual(['pending_new', 'rejected']);
    const rejected = (await rest(running.sim, 'GET', `/v2/orders/${placed.id}`)).body;
    expect(rejected.status).toBe('rejected');
    expect(rejected.failed_at).not.toBeNull();
    expect((await rest(running.sim, 'POST', '/v2/orders', order({ client_order_id: 'second' }))).status).toBe(
      200,
    );
    advance();
    await client.waitForUpdates(4);
    expect(eventsOf(client).slice(2)).toStrictEqual(['pending_new', 'new']);
  });
});
