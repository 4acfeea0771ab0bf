/**
 * The execution core exactly as the engine builds it (createExecutionService), with the real risk
 * manager and position book, against the in-process venue on a virtual clock: no sockets, no
 * timers. What the backtest and the deterministic harness will run.
 */

import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOrderIdFor } from '../../../engine/execution/client-order-id.ts';
import { OrderSettlement } from '../../../engine/execution/order-settlement.ts';
import { RiskActionExecutor } from '../../../engine/execution/risk-actions.ts';
import { RISK_STRATEGY_ID } from '../../../engine/risk/exit-intents.ts';
import { formatFixed, parseFixed } from '../../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../../shared/domain/order.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import type { TradingVenue } from '../../../shared/venue/trading-venue.ts';
import { VenueUnreachableError } from '../../../shared/venue/venue-errors.ts';
import { type InProcessStack, inProcessStack } from '../../support/in-process-stack.ts';

const f = parseFixed;
const SYMBOL = 'AAPL';

let open: InProcessStack | undefined;

afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function stack(
  dailyLossLimitUsd?: number,
  venue?: (inner: TradingVenue) => TradingVenue,
): Promise<InProcessStack> {
  open = await inProcessStack(SYMBOL, dailyLossLimitUsd, venue);
  return open;
}

/** The venue with some of its methods replaced (each given the venue itself). */
function overriding(
  methods: Partial<{ [K in keyof TradingVenue]: (inner: TradingVenue) => TradingVenue[K] }>,
): (inner: TradingVenue) => TradingVenue {
  return (inner) =>
    new Proxy(inner, {
      get(target, property) {
        const override = methods[property as keyof TradingVenue];
        if (override !== undefined) return override(target);
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
}

/** The venue, with the stream's events about the orders in `muted` never reaching the engine. */
function muting(muted: ReadonlySet<string>): (inner: TradingVenue) => TradingVenue {
  return overriding({
    onOrderEvent: (inner) => (listener) =>
      inner.onOrderEvent((event) => {
        if (!muted.has(event.order.clientOrderId)) listener(event);
      }),
  });
}

/** The venue, where every submission of the orders in `lost` times out before it arrives. */
function losing(lost: ReadonlySet<string>): (inner: TradingVenue) => TradingVenue {
  return overriding({
    submitOrder: (inner) => async (request) => {
      if (!lost.has(request.clientOrderId)) return inner.submitOrder(request);
      const context = { method: 'POST', route: '/v2/orders', clientOrderId: request.clientOrderId };
      throw new VenueUnreachableError('unknown', 'UND_ERR_HEADERS_TIMEOUT', context, null);
    },
  });
}

function intent(id: string, side: 'buy' | 'sell', qty: string, purpose: OrderIntent['purpose']): OrderIntent {
  return {
    intentId: id,
    strategyId: 'in-process',
    symbol: SYMBOL,
    assetClass: 'us_equity',
    side,
    qty: f(qty),
    type: 'market',
    timeInForce: 'day',
    referencePrice: f('100.01'),
    purpose,
    createdAtMs: 0,
  };
}

describe('Execution core against the in-process venue', () => {
  it('turns an intent into an order at the venue, books its fill once, and agrees with the venue on the position', async () => {
    const { clock, execution, risk, simulated, until } = await stack();
    risk.onQuote(SYMBOL, 100, 100.02, clock.nowUs());
    const bought = await execution.router.submit(intent('buy-1', 'buy', '7', 'entry'));
    expect(bought).toMatchObject({ ok: true, order: { symbol: SYMBOL, type: 'limit' } });
    await until('the fill is booked', () => risk.positions.position(SYMBOL).qty === f('7'));

    const [atVenue] = await simulated.venue.listPositions();
    expect(formatFixed(atVenue!.qty)).toBe('7');
    expect(risk.positions.position(SYMBOL).avgEntryPrice).toBe(atVenue!.avgEntryPrice);
    // Risk reads the same book: the position counts in its exposure.
    expect(risk.symbolExposure(SYMBOL)).toBeGreaterThan(0n);

    // The same intent again is refused before it reaches the venue.
    expect(await execution.router.submit(intent('buy-1', 'buy', '7', 'entry'))).toMatchObject({
      ok: false,
      reason: 'duplicate_intent',
    });
    const sold = await execution.router.submit(intent('sell-1', 'sell', '7', 'exit'));
    expect(sold.ok).toBe(true);
    await until('flat', () => risk.positions.position(SYMBOL).qty === 0n);
    expect(await simulated.venue.listPositions()).toStrictEqual([]);
    expect(await simulated.venue.listOrders({ status: 'all' })).toHaveLength(2);
  });

  it('books at once the fill of an order whose cancel the venue refused with 422 because it had just filled', async () => {
    const muted = new Set<string>();
    const { clock, execution, risk, simulated, until } = await stack(undefined, muting(muted));
    const resting = { ...intent('rest-1', 'buy', '5', 'entry'), type: 'limit' as const, limitPrice: f('99') };
    const placed = await execution.router.submit(resting);
    expect(placed.ok).toBe(true);
    const { clientOrderId } = placed as { clientOrderId: string };
    await until('working', () => execution.tracker.get(clientOrderId)?.status === 'new');
    // The stream says nothing more of it: it fills at the venue, and the engine has not heard.
    muted.add(clientOrderId);
    simulated.market.setQuote(
      SYMBOL,
      { bidPrice: 98.9, askPrice: 98.95, bidSize: 500, askSize: 500 },
      { hold: true },
    );
    simulated.advanceTo(clock.nowMs() + 10);
    expect((await simulated.venue.getOrderByClientOrderId(clientOrderId))?.status).toBe('filled');
    expect(risk.positions.position(SYMBOL).qty).toBe(0n);

    expect(await execution.router.cancel(clientOrderId)).toMatchObject({
      ok: false,
      reason: 'already_final',
    });
    expect(execution.tracker.get(clientOrderId)?.isSettled).toBe(true);
    expect(risk.positions.position(SYMBOL).qty).toBe(f('5'));
    const [atVenue] = await simulated.venue.listPositions();
    expect(risk.positions.position(SYMBOL).avgEntryPrice).toBe(atVenue!.avgEntryPrice);
  });

  it('takes an order whose submission ended unknown as never placed once the venue is found not to have it', async () => {
    const lost = new Set([clientOrderIdFor('in-process', 'lost-1')]);
    const { execution, risk } = await stack(undefined, losing(lost));
    const sent = await execution.router.submit(intent('lost-1', 'buy', '5', 'entry'));
    expect(sent).toMatchObject({ ok: false, reason: 'outcome_unknown' });
    const [clientOrderId] = lost;
    // Until found out, it may exist: it counts as working.
    expect(execution.tracker.openOrders().map((order) => order.clientOrderId)).toStrictEqual([clientOrderId]);
    expect(risk.symbolExposure(SYMBOL)).toBeGreaterThan(0n);

    expect(await execution.router.cancel(clientOrderId!)).toMatchObject({
      ok: false,
      reason: 'already_final',
    });
    expect(execution.tracker.get(clientOrderId!)?.status).toBe('rejected');
    expect(execution.tracker.openOrders()).toStrictEqual([]);
    expect(risk.symbolExposure(SYMBOL)).toBe(0n);
  });

  it("closes a stop's position although its first exit was lost: the exit left unsettled is cancelled and sent again", async () => {
    const lost = new Set<string>();
    const { clock, execution, risk, simulated, until } = await stack(undefined, losing(lost));
    expect((await execution.router.submit(intent('buy-1', 'buy', '5', 'entry'))).ok).toBe(true);
    await until('bought', () => risk.positions.position(SYMBOL).qty === f('5'));
    const logger = createLogger({ name: 'risk-actions', level: 'silent' });
    const settlement = new OrderSettlement({
      events: execution.events,
      router: execution.router,
      tracker: execution.tracker,
      logger,
      timers: simulated.timers,
    });
    const executor = new RiskActionExecutor({
      settlement,
      router: execution.router,
      tracker: execution.tracker,
      position: (symbol) => risk.positions.position(symbol).qty,
      sessionDate: () => risk.sessionDate,
      referencePrice: (symbol) => risk.positions.position(symbol).avgEntryPrice,
      clock,
      logger,
      registry: new Registry(),
      timings: { exitWorkingMs: 1_000 },
    });
    const firstExit = clientOrderIdFor(
      RISK_STRATEGY_ID,
      `${RISK_STRATEGY_ID}:exit:${SYMBOL}:${risk.sessionDate}:1`,
    );
    // Every attempt of the first exit times out before it arrives: its outcome is unknown.
    lost.add(firstExit);
    let closed = false;
    void executor.close(SYMBOL, 'stop_loss').then(() => {
      closed = true;
    });
    await until('closed', () => closed);
    expect(risk.positions.position(SYMBOL).qty).toBe(0n);
    expect(await simulated.venue.listPositions()).toStrictEqual([]);
    expect(execution.tracker.get(firstExit)?.status).toBe('rejected');
    settlement.stop();
  });

  it('refuses entries until reconciled, and reconciles a position the venue already holds', async () => {
    const { execution, risk, simulated, until } = await stack();
    // Bought behind the engine's back: the next reconciliation takes the venue's figure.
    await simulated.venue.submitOrder({
      symbol: SYMBOL,
      qty: f('3'),
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      clientOrderId: 'manual-1',
    });
    await until('manual fill', () => risk.positions.position(SYMBOL).qty === f('3'));
    execution.reconciliation.onConnectionState('reconnecting');
    expect(execution.router.prepare(intent('blocked', 'buy', '1', 'entry'))).toMatchObject({
      ok: false,
      reason: 'trading_paused',
    });
    execution.reconciliation.onConnectionState('ready');
    await until('reconciled again', () => execution.router.entriesAllowed);
    expect(risk.snapshot().reconciled).toBe(true);
    expect(risk.positions.position(SYMBOL).qty).toBe(f('3'));
  });

  it("trips the breaker on the day's loss booked from the venue's fills, and no further entry reaches the venue", async () => {
    const { clock, execution, risk, simulated, until } = await stack(5);
    risk.onQuote(SYMBOL, 100, 100.02, clock.nowUs());
    expect((await execution.router.submit(intent('buy-loss', 'buy', '7', 'entry'))).ok).toBe(true);
    await until('bought', () => risk.positions.position(SYMBOL).qty === f('7'));
    // The market falls 1.5: selling 7 realises about −10.6, past the 5 dollar limit.
    simulated.market.setQuote(
      SYMBOL,
      { bidPrice: 98.5, askPrice: 98.52, bidSize: 500, askSize: 500 },
      { hold: true },
    );
    risk.onQuote(SYMBOL, 98.5, 98.52, clock.nowUs());
    expect((await execution.router.submit(intent('sell-loss', 'sell', '7', 'exit'))).ok).toBe(true);
    await until('flat', () => risk.positions.position(SYMBOL).qty === 0n);
    expect(risk.positions.realizedTodayUsdAt(clock.nowMs())).toBeLessThan(-5);
    expect(risk.breakerState).toBe('reducing');

    expect(await execution.router.submit(intent('buy-after', 'buy', '1', 'entry'))).toMatchObject({
      ok: false,
      reason: 'risk_denied',
      code: 'circuit_breaker_open',
    });
    const atVenue = await simulated.venue.listOrders({ status: 'all', direction: 'asc' });
    expect(atVenue.map((order) => order.side)).toStrictEqual(['buy', 'sell']);
    expect(await simulated.venue.listPositions()).toStrictEqual([]);
  });
});
