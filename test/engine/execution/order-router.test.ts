import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  createExecutionService,
  type ExecutionServiceOptions,
} from '../../../engine/execution/execution-service.ts';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import { AlpacaVenue } from '../../../shared/broker/alpaca/alpaca-venue.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { type Clock, ManualClock } from '../../../shared/time/clock.ts';
import type { TradingVenue } from '../../../shared/venue/trading-venue.ts';
import { VenueRejectedError, VenueUnreachableError } from '../../../shared/venue/venue-errors.ts';
import type { ListOrdersQuery, ReplaceRequest, VenueOrderEvent } from '../../../shared/venue/venue-types.ts';
import { intent, RecordingRisk } from './router-harness.ts';
import { orderEvent, execution as venueExecution, venueOrder } from './venue-order-fixture.ts';

const f = parseFixed;

/** 1,200 filled buys of 1 share, one per millisecond, answered page by page like GET /v2/orders. */
function brokerWithManyOrders(): { api: TradingVenue; queries: ListOrdersQuery[] } {
  const orders = Array.from({ length: 1_200 }, (_, i) =>
    venueOrder({
      id: `order-${i}`,
      clientOrderId: `manual-${i}`,
      qty: f('1'),
      filledQty: f('1'),
      filledAvgPrice: f('100'),
      status: 'filled',
      createdAtMs: 10_000 + i,
      updatedAtMs: 10_000 + i,
      updatedAtNs: BigInt(10_000 + i) * 1_000_000n,
    }),
  );
  const queries: ListOrdersQuery[] = [];
  const unused = () => Promise.reject(new Error('not used'));
  const api: TradingVenue = {
    connectionState: 'idle',
    start: () => undefined,
    stop: () => Promise.resolve(),
    onConnectionState: () => () => undefined,
    onQuota: () => () => undefined,
    onOrderEvent: () => () => undefined,
    getOrder: unused,
    cancelAllOrders: unused,
    getClock: unused,
    getCalendar: unused,
    submitOrder: () => Promise.reject(new Error('not used')),
    replaceOrder: () => Promise.reject(new Error('not used')),
    cancelOrder: () => Promise.resolve(),
    getOrderByClientOrderId: () => Promise.resolve(null),
    listOrders: (query = {}) => {
      queries.push(query);
      if (query.status === 'open') return Promise.resolve([]);
      const after = query.afterMs ?? 0;
      return Promise.resolve(orders.filter((order) => order.createdAtMs > after).slice(0, query.limit ?? 50));
    },
    listPositions: () =>
      Promise.resolve([
        {
          symbol: 'AAPL',
          assetClass: 'us_equity',
          qty: f('1200'),
          avgEntryPrice: f('100'),
          marketValue: null,
          unrealizedPnl: null,
        },
      ]),
    getAccount: () => Promise.reject(new Error('account unavailable')),
  };
  return { api, queries };
}

/** The execution core over a venue, with a silent logger and a generous request budget. */
function execution(
  venue: TradingVenue,
  clock: Clock,
  risk: RecordingRisk,
  positions: Portfolio,
  options: Partial<ExecutionServiceOptions> = {},
) {
  return createExecutionService({
    venue,
    clock,
    logger: createLogger({ name: 'test', level: 'silent' }),
    risk,
    positions,
    metrics: new Registry(),
    requestsPerMinute: 10_000,
    ...options,
  });
}

describe('Class: OrderRouter', () => {
  it('pages through every order since the outage and books each missed fill once', async () => {
    const clock = new ManualClock(69_999);
    const { api, queries } = brokerWithManyOrders();
    const portfolio = new Portfolio(clock);
    const risk = new RecordingRisk();
    let account = false;
    const venue = { ...api, getAccount: () => (account ? Promise.resolve({} as never) : api.getAccount()) };
    const { router, reconciliation } = execution(venue, clock, risk, portfolio, {
      retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      sleep: async () => {
        account = true;
      },
    });

    reconciliation.onConnectionState('ready');
    await reconciliation.resync();

    expect(portfolio.position('AAPL').qty).toBe(f('1200'));
    expect(risk.fills).toHaveLength(1_200);
    expect(new Set(risk.fills).size).toBe(1_200);
    // The first attempt failed on the account; entries opened only after the retry succeeded.
    expect(risk.reconciled).toBe(1);
    expect(router.entriesAllowed).toBe(true);
    const pages = queries.filter((query) => query.status === 'all');
    expect(pages.length).toBeGreaterThanOrEqual(6);
    expect(pages[0]).toMatchObject({ afterMs: 9_999, limit: 500, direction: 'asc' });
  });

  it('gives up on an order the broker never received and releases it, without a lookup', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const clock = new ManualClock(0);
    const venue = new AlpacaVenue({
      tradingUrl: `http://127.0.0.1:${port}`,
      tradingStreamUrl: `ws://127.0.0.1:${port}/stream`,
      credentials: { keyId: 'k', secretKey: 's' },
    });
    const risk = new RecordingRisk();
    const { router, tracker } = execution(venue, clock, risk, new Portfolio(clock), {
      requestsPerMinute: 200,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    try {
      const result = await router.submit(intent({ purpose: 'exit', side: 'sell' }));
      expect(result).toMatchObject({ ok: false, reason: 'not_sent' });
      const clientOrderId = (result as { clientOrderId: string }).clientOrderId;
      expect(tracker.get(clientOrderId)?.status).toBe('rejected');
      expect(risk.statuses).toStrictEqual([[clientOrderId, 'rejected']]);
    } finally {
      await venue.stop();
    }
  });

  it('never reports an order as unsent when the guard refuses a retry after an unknown outcome', async () => {
    const clock = new ManualClock(0);
    const context = { method: 'POST', route: '/v2/orders', clientOrderId: null };
    let guardOpen = true;
    let submits = 0;
    const risk = new RecordingRisk();
    const venue: TradingVenue = {
      ...brokerWithManyOrders().api,
      submitOrder: () => {
        submits += 1;
        guardOpen = false; // the lease lapses while the answer is lost
        return Promise.reject(new VenueUnreachableError('unknown', 'UND_ERR_HEADERS_TIMEOUT', context, null));
      },
    };
    const { router, tracker } = execution(venue, clock, risk, new Portfolio(clock), {
      requestsPerMinute: 200,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      sendGuard: () => (guardOpen ? null : 'lease lost'),
    });

    const result = await router.submit(intent({ purpose: 'exit', side: 'sell' }));
    expect(result).toMatchObject({ ok: false, reason: 'outcome_unknown' });
    expect(submits).toBe(1);
    const clientOrderId = (result as { clientOrderId: string }).clientOrderId;
    expect(tracker.get(clientOrderId)?.isTerminal).toBe(false);
    expect(risk.statuses).toStrictEqual([]);
  });

  it('takes a replacement whose request failed as never placed once the venue shows no order under its id (simtest seeds 5360, 6167)', async () => {
    const clock = new ManualClock(0);
    const venue: TradingVenue = {
      ...brokerWithManyOrders().api,
      submitOrder: (request) =>
        Promise.resolve(venueOrder({ id: 'o-1', clientOrderId: request.clientOrderId, side: request.side })),
      replaceOrder: () =>
        Promise.reject(
          new VenueRejectedError(503, null, 'service unavailable', {
            method: 'PATCH',
            route: '/v2/orders/o-1',
            clientOrderId: null,
          }),
        ),
      getOrderByClientOrderId: () => Promise.resolve(null),
    };
    const { router, tracker } = execution(venue, clock, new RecordingRisk(), new Portfolio(clock), {
      retryPolicy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const placed = await router.submit(
      intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
    );
    expect(placed).toMatchObject({ ok: true });
    const clientOrderId = (placed as { clientOrderId: string }).clientOrderId;
    expect(await router.replace(clientOrderId, { limitPrice: f('100.1') })).toMatchObject({ ok: false });
    const replacement = tracker.openOrders().find((order) => order.clientOrderId !== clientOrderId);
    expect(replacement).toBeDefined();

    // A stop's cancel of it: the lookup finds nothing, so the replacement never existed.
    await router.refreshOrder(replacement!.clientOrderId);
    expect(tracker.openOrders().map((order) => order.clientOrderId)).toStrictEqual([clientOrderId]);
  });

  it('does not send an entry approved before the breaker tripped once its retry comes after (simtest seed 4986)', async () => {
    const clock = new ManualClock(0);
    let hold: string | null = null;
    const sent: string[] = [];
    const risk = new (class extends RecordingRisk {
      override newExposureHold(): string | null {
        return hold;
      }
    })();
    const venue: TradingVenue = {
      ...brokerWithManyOrders().api,
      submitOrder: (request) => {
        sent.push(`${request.side} ${request.clientOrderId}`);
        // The first attempt never left (refused connection); the breaker trips before the retry.
        hold = 'the circuit breaker is reducing; no new exposure';
        return Promise.reject(
          new VenueUnreachableError(
            'not_sent',
            'ECONNREFUSED',
            { method: 'POST', route: '/v2/orders', clientOrderId: null },
            null,
          ),
        );
      },
      listOrders: () => Promise.resolve([]),
      listPositions: () => Promise.resolve([]),
      getAccount: () => Promise.resolve({} as never),
    };
    const { router, tracker, reconciliation } = execution(venue, clock, risk, new Portfolio(clock), {
      retryPolicy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reconciliation.onConnectionState('ready');
    await reconciliation.resync();
    expect(router.entriesAllowed).toBe(true);

    const entry = await router.submit(intent({ type: 'limit', limitPrice: f('100') }));
    expect(entry).toMatchObject({ ok: false });
    expect(sent).toHaveLength(1);
    expect(tracker.openOrders()).toStrictEqual([]);

    // An exit is not new exposure: it goes out whatever the hold.
    hold = 'the circuit breaker is reducing; no new exposure';
    await router.submit(intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }));
    expect(sent.filter((line) => line.startsWith('sell '))).toHaveLength(3);
  });

  it('neither cancels nor replaces an order while the guard refuses (the lease is lost)', async () => {
    const clock = new ManualClock(0);
    let guardOpen = true;
    const changes: string[] = [];
    const venue: TradingVenue = {
      ...brokerWithManyOrders().api,
      submitOrder: (request) =>
        Promise.resolve(venueOrder({ id: 'o-1', clientOrderId: request.clientOrderId, side: request.side })),
      cancelOrder: (orderId) => {
        changes.push(`cancel ${orderId}`);
        return Promise.resolve();
      },
      replaceOrder: (orderId) => {
        changes.push(`replace ${orderId}`);
        return Promise.reject(new Error('not reached'));
      },
    };
    const { router } = execution(venue, clock, new RecordingRisk(), new Portfolio(clock), {
      sendGuard: () => (guardOpen ? null : 'the engine lease is not held'),
    });
    const placed = await router.submit(
      intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
    );
    expect(placed).toMatchObject({ ok: true });
    const clientOrderId = (placed as { clientOrderId: string }).clientOrderId;

    // A paused engine resumes past its lease: the order is the new holder's now.
    guardOpen = false;
    expect(await router.cancel(clientOrderId)).toMatchObject({ ok: false, reason: 'failed' });
    expect(await router.replace(clientOrderId, { limitPrice: f('101') })).toMatchObject({
      ok: false,
      reason: 'failed',
    });
    expect(changes).toStrictEqual([]);

    guardOpen = true;
    expect(await router.cancel(clientOrderId)).toStrictEqual({ ok: true, clientOrderId });
    expect(changes).toStrictEqual(['cancel o-1']);
  });

  describe('replace', () => {
    /**
     * A venue holding one working sell of 10, 4 filled, that records what each replace asked for;
     * `answer` holds a replace's answer back until it resolves.
     */
    function workingOrder(answer: Promise<void> = Promise.resolve()) {
      const replaces: ReplaceRequest[] = [];
      const unused = () => Promise.reject(new Error('not used'));
      let publish: (event: VenueOrderEvent) => void = () => undefined;
      const venue: TradingVenue = {
        ...brokerWithManyOrders().api,
        onOrderEvent: (listener) => {
          publish = listener;
          return () => undefined;
        },
        getOrder: unused,
        submitOrder: (request) =>
          Promise.resolve(
            venueOrder({
              clientOrderId: request.clientOrderId,
              side: 'sell',
              qty: request.qty,
              filledQty: f('4'),
              status: 'partially_filled',
            }),
          ),
        replaceOrder: async (orderId, changes) => {
          replaces.push(changes);
          await answer;
          return venueOrder({
            id: `${orderId}-replacement`,
            clientOrderId: changes.clientOrderId!,
            side: 'sell',
            qty: changes.qty ?? f('6'),
            limitPrice: changes.limitPrice ?? f('100'),
            status: 'pending_new',
          });
        },
      };
      const clock = new ManualClock(0);
      const { router, events } = execution(venue, clock, new RecordingRisk(), new Portfolio(clock));
      return { router, replaces, events, publish: (event: VenueOrderEvent) => publish(event) };
    }

    it("counts the replacement from the old order's replaced event when the answer is slow (simtest seed 103)", async () => {
      let release: () => void = () => undefined;
      const { router, events, publish } = workingOrder(new Promise((resolve) => (release = resolve)));
      const seen: string[] = [];
      events.subscribe((event) => {
        if (event.type === 'order_replaced') seen.push(`announced ${event.oldClientOrderId}`);
        if (event.type === 'order_reported') seen.push(`${event.order.status} ${event.order.clientOrderId}`);
      });
      const sent = await router.submit(
        intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
      );
      const clientOrderId = (sent as { clientOrderId: string }).clientOrderId;
      seen.length = 0;

      const replacing = router.replace(clientOrderId, { limitPrice: f('99.9') });
      await Promise.resolve();
      // The venue acted: the old order is replaced before the request's answer arrives.
      publish(
        orderEvent(
          'replaced',
          venueOrder({
            clientOrderId,
            side: 'sell',
            filledQty: f('4'),
            status: 'replaced',
            updatedAtNs: 2_000_000_000n,
          }),
        ),
      );

      // Assess: the replacement was announced (risk counts it) before the old order's end was reported.
      expect(seen).toStrictEqual([`announced ${clientOrderId}`, `replaced ${clientOrderId}`]);
      release();
      expect((await replacing).ok).toBe(true);
      // Once: the answer does not announce it again.
      expect(seen.filter((line) => line.startsWith('announced '))).toHaveLength(1);
    });

    it('announces a replacement that filled and ended before it was announced as no longer working, and reports its end again (simtest seed 526)', async () => {
      let release: () => void = () => undefined;
      const { router, events, publish, replaces } = workingOrder(
        new Promise((resolve) => (release = resolve)),
      );
      const sent = await router.submit(
        intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
      );
      const clientOrderId = (sent as { clientOrderId: string }).clientOrderId;
      const seen: string[] = [];
      events.subscribe((event) => {
        if (event.type === 'order_replaced')
          seen.push(`announced ${event.newClientOrderId} for ${event.replacement.qty / 1_000_000_000n}`);
        if (event.type === 'order_status') seen.push(`${event.status} ${event.clientOrderId}`);
      });

      const replacing = router.replace(clientOrderId, { limitPrice: f('99.9') });
      await Promise.resolve();
      const newClientOrderId = replaces[0]!.clientOrderId!;
      // The replacement's fill and end come first; the old order's `replaced` event and the answer after.
      publish(
        orderEvent(
          'fill',
          venueOrder({
            id: 'replacement',
            clientOrderId: newClientOrderId,
            side: 'sell',
            qty: f('6'),
            filledQty: f('6'),
            status: 'filled',
            updatedAtNs: 2_000_000_000n,
          }),
          venueExecution('x-1', '6', '99.9'),
        ),
      );
      publish(
        orderEvent(
          'replaced',
          venueOrder({
            clientOrderId,
            side: 'sell',
            filledQty: f('4'),
            status: 'replaced',
            updatedAtNs: 3_000_000_000n,
          }),
        ),
      );
      release();
      expect((await replacing).ok).toBe(true);

      expect(seen).toStrictEqual([
        `filled ${newClientOrderId}`,
        `announced ${newClientOrderId} for 0`,
        `filled ${newClientOrderId}`,
        `replaced ${clientOrderId}`,
      ]);
    });

    it('leaves the quantity to the venue when only the price changes, so fills on the way are not bought again (simtest seed 273)', async () => {
      const { router, replaces } = workingOrder();
      const sent = await router.submit(
        intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
      );
      const clientOrderId = (sent as { clientOrderId: string }).clientOrderId;

      const replaced = await router.replace(clientOrderId, { limitPrice: f('99.9') });

      expect(replaced.ok).toBe(true);
      expect(replaces).toHaveLength(1);
      expect(replaces[0]).not.toHaveProperty('qty');
      expect(replaces[0]).toMatchObject({ limitPrice: f('99.9') });
    });

    it('asks for the new total less what filled when the total changes', async () => {
      const { router, replaces } = workingOrder();
      const sent = await router.submit(
        intent({ purpose: 'exit', side: 'sell', type: 'limit', limitPrice: f('100') }),
      );
      const clientOrderId = (sent as { clientOrderId: string }).clientOrderId;

      await router.replace(clientOrderId, { totalQty: f('8') });

      expect(replaces[0]).toMatchObject({ qty: f('4') });
    });
  });
});
