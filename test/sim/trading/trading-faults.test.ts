import { afterEach, describe, expect, it } from 'vitest';
import { errorBodySchema, tradeUpdateSchema } from '../../../shared/broker/alpaca/trading-schemas.ts';
import { StreamClients } from '../stream/stream-client.ts';
import { KEY_HEADERS, rest, startVirtualSim, type VirtualSim } from './sim-client.ts';

const order = (fields: Record<string, unknown> = {}) => ({
  symbol: 'AAPL',
  qty: '1',
  side: 'buy',
  type: 'limit',
  limit_price: '90',
  time_in_force: 'gtc',
  ...fields,
});

describe('fault injection under /admin/trading', () => {
  let running: VirtualSim;
  const streams = new StreamClients();
  afterEach(async () => {
    streams.closeAll();
    await running.sim.close();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    rest(running.sim, method, `/admin/trading${path}`, body, {});
  const advance = () => running.sim.advanceTo(running.clock.nowMs());

  const listening = () => streams.listening(running.sim);

  it('answers the next N matching requests with an error before they take effect', async () => {
    running = await startVirtualSim();
    expect(
      (
        await admin('POST', '/faults/rest', {
          kind: 'status',
          status: 503,
          method: 'POST',
          path: '/v2/orders',
          count: 2,
        })
      ).status,
    ).toBe(200);
    expect((await rest(running.sim, 'GET', '/v2/account')).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await rest(
        running.sim,
        'POST',
        '/v2/orders',
        order({ client_order_id: `try-${attempt}` }),
      );
      expect(failed.status).toBe(503);
      expect(errorBodySchema.parse(failed.body).code).toBe(50310000);
    }
    expect((await rest(running.sim, 'GET', '/v2/orders?status=all')).body).toStrictEqual([]);
    expect((await rest(running.sim, 'POST', '/v2/orders', order())).status).toBe(200);
  });

  it('accepts the order, then answers 500: the order exists although the client saw an error', async () => {
    running = await startVirtualSim();
    await admin('POST', '/faults/rest', { kind: 'status', status: 500, when: 'after', path: '/v2/orders' });
    const failed = await rest(running.sim, 'POST', '/v2/orders', order({ client_order_id: 'retry-me' }));
    expect(failed.status).toBe(500);
    expect(failed.body).toStrictEqual({ code: 50010000, message: 'internal server error' });
    const found = await rest(running.sim, 'GET', '/v2/orders:by_client_order_id?client_order_id=retry-me');
    expect(found.status).toBe(200);
    const retried = await rest(running.sim, 'POST', '/v2/orders', order({ client_order_id: 'retry-me' }));
    expect(retried.status).toBe(422);
    expect(retried.body.code).toBe(40010001);
  });

  it('answers with the message it is given, as a specific refusal would', async () => {
    running = await startVirtualSim();
    const message = 'potential wash trade detected. use complex orders';
    await admin('POST', '/faults/rest', {
      kind: 'status',
      status: 403,
      method: 'POST',
      path: '/v2/orders',
      message,
    });
    const refused = await rest(running.sim, 'POST', '/v2/orders', order({ client_order_id: 'wash' }));
    expect(refused).toMatchObject({ status: 403, body: { code: 40310000, message } });
    expect((await rest(running.sim, 'GET', '/v2/orders?status=all')).body).toStrictEqual([]);
  });

  it('answers 429 on demand', async () => {
    running = await startVirtualSim();
    await admin('POST', '/faults/rest', { kind: 'status', status: 429, path: '/v2/*' });
    const limited = await rest(running.sim, 'GET', '/v2/clock');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(42910000);
    expect((await rest(running.sim, 'GET', '/v2/clock')).status).toBe(200);
  });

  it.each(['before', 'after'] as const)(
    'times out (%s the order is accepted) by never answering',
    async (when) => {
      running = await startVirtualSim();
      await admin('POST', '/faults/rest', { kind: 'timeout', when, method: 'POST', path: '/v2/orders' });
      const controller = new AbortController();
      const pending = fetch(`${running.sim.baseUrl}/v2/orders`, {
        method: 'POST',
        headers: { ...KEY_HEADERS, 'Content-Type': 'application/json' },
        body: JSON.stringify(order({ client_order_id: 'hung' })),
        signal: controller.signal,
      });
      // The order becomes visible (or not) while the first request still hangs.
      let found = await rest(running.sim, 'GET', '/v2/orders:by_client_order_id?client_order_id=hung');
      for (let poll = 0; poll < 50 && when === 'after' && found.status === 404; poll++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        found = await rest(running.sim, 'GET', '/v2/orders:by_client_order_id?client_order_id=hung');
      }
      expect(found.status).toBe(when === 'after' ? 200 : 404);
      controller.abort();
      await expect(pending).rejects.toThrow();
    },
  );

  it('refuses invalid admin requests with the problems named', async () => {
    running = await startVirtualSim();
    const bad = await admin('POST', '/faults/rest', { kind: 'explode', count: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.problems.join(' ')).toContain('kind');
    expect(bad.body.problems.join(' ')).toContain('count');
    expect((await admin('POST', '/faults/events', { kind: 'reorder', count: 1 })).status).toBe(400);
    expect((await admin('PATCH', '/assets/AAPL', { shortable: 'no' })).status).toBe(400);
    expect((await admin('PATCH', '/assets/NOPE', { shortable: false })).status).toBe(404);
    expect((await admin('GET', '/nothing')).status).toBe(404);
    expect((await rest(running.sim, 'POST', '/admin/trading/faults/rest', '{oops', {})).status).toBe(400);
  });

  it('fills against a price set through the market-data admin interface', async () => {
    running = await startVirtualSim();
    const set = await rest(
      running.sim,
      'POST',
      '/admin/marketdata/quote',
      { symbol: 'AAPL', bidPrice: 50, askPrice: 50.01, bidSize: 100, askSize: 100 },
      {},
    );
    expect(set.status).toBe(200);
    const placed = (
      await rest(
        running.sim,
        'POST',
        '/v2/orders',
        order({ type: 'market', limit_price: null, time_in_force: 'day' }),
      )
    ).body;
    advance();
    expect((await rest(running.sim, 'GET', `/v2/orders/${placed.id}`)).body.filled_avg_price).toBe('50.01');
    expect((await admin('GET', '/state')).body).toMatchObject({ open_orders: 0, pending_rest_faults: 0 });
  });

  it('drops every stream connection without a close frame', async () => {
    running = await startVirtualSim();
    const client = await listening();
    const dropped = await admin('POST', '/faults/stream', { action: 'drop' });
    expect(dropped.body.dropped).toBe(1);
    await client.waitClosed();
    expect(client.closed).toBe(true);
  });

  it('silences the stream (events are lost) until resumed', async () => {
    running = await startVirtualSim();
    const client = await listening();
    await admin('POST', '/faults/stream', { action: 'silence' });
    await rest(running.sim, 'POST', '/v2/orders', order());
    advance();
    await admin('POST', '/faults/stream', { action: 'resume' });
    await rest(running.sim, 'POST', '/v2/orders', order({ limit_price: '91' }));
    advance();
    await client.waitForUpdates(2);
    expect(client.updates().map((update) => `${update.event}:${update.order.limit_price}`)).toStrictEqual([
      'pending_new:91',
      'new:91',
    ]);
  });

  it('stops answering pings while silenced', async () => {
    running = await startVirtualSim();
    const client = await listening();
    const pong = () =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 300);
        client.socket.once('pong', () => {
          clearTimeout(timer);
          resolve(true);
        });
        client.socket.ping();
      });
    expect(await pong()).toBe(true);
    await admin('POST', '/faults/stream', { action: 'silence' });
    expect(await pong()).toBe(false);
    await admin('POST', '/faults/stream', { action: 'resume' });
    expect(await pong()).toBe(true);
  });

  it('sends a malformed frame', async () => {
    running = await startVirtualSim();
    const client = await listening();
    expect((await admin('POST', '/faults/stream', { action: 'malformed' })).body.sent).toBe(1);
    await client.waitForFrames(3);
    expect(() => JSON.parse(client.frames[2]!.text)).toThrow();
  });

  it('duplicates the next events', async () => {
    running = await startVirtualSim();
    const client = await listening();
    await admin('POST', '/faults/events', { kind: 'duplicate', count: 1 });
    await rest(running.sim, 'POST', '/v2/orders', order());
    advance();
    await client.waitForUpdates(3);
    const updates = client.updates();
    expect(updates.map((update) => update.event)).toStrictEqual(['pending_new', 'pending_new', 'new']);
    expect(updates[0]).toStrictEqual(updates[1]);
  });

  it('reorders the next events', async () => {
    running = await startVirtualSim();
    const client = await listening();
    await admin('POST', '/faults/events', { kind: 'reorder', count: 2 });
    await rest(running.sim, 'POST', '/v2/orders', order());
    advance();
    await client.waitForUpdates(2);
    expect(client.updates().map((update) => update.event)).toStrictEqual(['new', 'pending_new']);
  });

  it('delays the next events on the simulator clock', async () => {
    running = await startVirtualSim();
    const client = await listening();
    await admin('POST', '/faults/events', { kind: 'delay', ms: 1000, count: 1 });
    await rest(running.sim, 'POST', '/v2/orders', order());
    advance();
    await client.waitForUpdates(1);
    expect(client.updates().map((update) => update.event)).toStrictEqual(['new']);
    running.sim.advanceTo(running.clock.nowMs() + 1000);
    await client.waitForUpdates(2);
    const updates = client.updates().map((update) => tradeUpdateSchema.parse(update));
    expect(updates.map((update) => update.event)).toStrictEqual(['new', 'pending_new']);
  });

  it('keeps the next cancels pending_cancel for a while before they are canceled', async () => {
    running = await startVirtualSim();
    await admin('POST', '/faults/cancels', { ms: 3_000, count: 1 });
    const placed = await rest(running.sim, 'POST', '/v2/orders', order());
    advance();
    expect((await rest(running.sim, 'DELETE', `/v2/orders/${placed.body.id}`)).status).toBe(204);
    advance();
    const status = async () => (await rest(running.sim, 'GET', `/v2/orders/${placed.body.id}`)).body.status;
    expect(await status()).toBe('pending_cancel');
    running.sim.advanceTo(running.clock.nowMs() + 2_999);
    expect(await status()).toBe('pending_cancel');
    running.sim.advanceTo(running.clock.nowMs() + 1);
    expect(await status()).toBe('canceled');
    // Only the next one: the cancel after it takes effect at once.
    const second = await rest(running.sim, 'POST', '/v2/orders', order({ client_order_id: 'second' }));
    advance();
    await rest(running.sim, 'DELETE', `/v2/orders/${second.body.id}`);
    advance();
    expect((await rest(running.sim, 'GET', `/v2/orders/${second.body.id}`)).body.status).toBe('canceled');
  });

  it('fills an order just before its cancel arrives, and refuses the cancel with 422', async () => {
    running = await startVirtualSim();
    await admin('POST', '/faults/fill-before-cancel', { count: 1 });
    const placed = await rest(running.sim, 'POST', '/v2/orders', order({ qty: '3' }));
    advance();
    const refused = await rest(running.sim, 'DELETE', `/v2/orders/${placed.body.id}`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe(42210000);
    const filled = (await rest(running.sim, 'GET', `/v2/orders/${placed.body.id}`)).body;
    expect([filled.status, filled.filled_qty, filled.filled_avg_price]).toStrictEqual(['filled', '3', '90']);
  });

  it('clears every fault at once', async () => {
    running = await startVirtualSim();
    await admin('POST', '/faults/rest', { kind: 'status', status: 500, count: 5 });
    await admin('POST', '/faults/reject', { count: 5 });
    await admin('POST', '/faults/cancels', { ms: 60_000, count: 5 });
    expect((await admin('DELETE', '/faults')).status).toBe(200);
    const placed = await rest(running.sim, 'POST', '/v2/orders', order());
    expect(placed.status).toBe(200);
    advance();
    expect((await rest(running.sim, 'GET', `/v2/orders/${placed.body.id}`)).body.status).toBe('new');
  });
});
