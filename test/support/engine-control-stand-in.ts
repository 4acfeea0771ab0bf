/**
 * An engine for the API's HTTP-layer tests: fixed answers that match the contract, and a record of
 * every action it was asked to take (the engine's own answers are tested against the simulator).
 */

import pino from 'pino';
import { Registry } from 'prom-client';
import type { RouteAnswer } from '../../engine/api/api-route.ts';
import { engineApiRoutes } from '../../engine/api/engine-api.ts';
import type { ActionBy, EngineControl } from '../../engine/api/engine-control.ts';
import { type HttpApi, startHttpApi } from '../../engine/api/http-server.ts';
import { IdempotencyCache } from '../../engine/api/idempotency-cache.ts';
import { RequestRateLimiter } from '../../engine/api/request-rate-limiter.ts';
import { tokenMatcher } from '../../shared/api/api-tokens.ts';
import type {
  EngineStateEvent,
  FillAnswer,
  ManualOrderRequest,
  OrderAnswer,
} from '../../shared/api/engine-api-schemas.ts';
import { refusal } from '../../shared/domain/outcome.ts';
import { systemClock } from '../../shared/time/clock.ts';
import { TEST_API_TOKENS } from './api-tokens.ts';

export const AT = '2026-12-03T15:00:00.000Z';
export const ORDER: OrderAnswer = {
  clientOrderId: 'te1-abc',
  orderId: 'o-1',
  symbol: 'AAPL',
  side: 'buy',
  type: 'market',
  timeInForce: 'day',
  qty: '3',
  filledQty: '0',
  filledAvgPrice: null,
  limitPrice: null,
  stopPrice: null,
  status: 'new',
  origin: 'operator',
  createdAt: AT,
  updatedAt: AT,
};
export const FILL: FillAnswer = {
  clientOrderId: 'te1-abc',
  symbol: 'AAPL',
  side: 'buy',
  qty: '3',
  price: '100.02',
  realizedPnl: '0',
  at: AT,
};

/** An engine that answers fixed values and records the actions it is asked to take. */
export class StandInEngine implements EngineControl {
  readonly actions: [string, ActionBy, string?][] = [];
  readonly fillListeners = new Set<(fill: FillAnswer) => void>();
  fail = false;
  health() {
    return { status: 'ok' as const, checks: { phase: 'trading' } };
  }
  ready() {
    return {
      ready: false,
      checks: {
        trading: true,
        feeds: false,
        tradeUpdates: true,
        reconciled: true,
        lease: 'not_used' as const,
      },
      reasons: ['the stocks feed is connecting'],
    };
  }
  status() {
    if (this.fail) throw new Error('state unreadable at /secret/path.ts:12');
    return {
      positions: [],
      openOrders: [],
      pnl: { realized: '0', unrealized: '0', daily: '0', sessionDate: '2026-12-03' },
      exposure: { gross: '0', net: '0' },
      risk: { breaker: 'normal' as const, reconciled: true },
    };
  }
  positions() {
    return { positions: [] };
  }
  orders() {
    return { orders: [ORDER] };
  }
  fills() {
    return { fills: [FILL] };
  }
  pnl() {
    return {
      sessionDate: '2026-12-03',
      realized: '0',
      unrealized: '0',
      daily: '0',
      exposure: { gross: '0', net: '0' },
      intraday: [],
    };
  }
  risk() {
    return { breaker: 'normal' as const, reconciled: true, killSwitch: false, limits: [] };
  }
  strategies() {
    return { strategies: [{ id: 'momentum', symbols: ['AAPL'], enabled: true, latched: false }] };
  }
  state(): EngineStateEvent {
    return {
      at: AT,
      health: this.health(),
      pnl: this.pnl(),
      positions: [],
      orders: [ORDER],
      fills: [FILL],
      risk: this.risk(),
      strategies: this.strategies().strategies,
      feeds: [{ name: 'stocks', state: 'ready' }],
      hotPath: null,
    };
  }
  onFill(listener: (fill: FillAnswer) => void) {
    this.fillListeners.add(listener);
    return () => this.fillListeners.delete(listener);
  }
  async placeOrder(order: ManualOrderRequest, key: string, by: ActionBy) {
    this.actions.push(['order', by, key]);
    if (order.qty === '999') return refusal('max_order_qty', 'the order is over the 1000-share cap');
    return { ok: true as const, value: { ...ORDER, symbol: order.symbol, qty: order.qty } };
  }
  closePosition(symbol: string, by: ActionBy) {
    this.actions.push(['close', by, symbol]);
    return symbol === 'MSFT'
      ? refusal('no_position', 'no open position in MSFT')
      : { ok: true as const, value: { symbol, qty: '3', closing: true as const } };
  }
  killSwitch(by: ActionBy) {
    this.actions.push(['kill', by]);
    return { ok: true as const, value: { breaker: 'halted' as const, canceling: 0, closing: [] } };
  }
  resetCircuitBreaker(by: ActionBy) {
    this.actions.push(['reset', by]);
    return refusal('breaker_not_open', 'the circuit breaker is not open');
  }
  setStrategyEnabled(id: string, enabled: boolean, by: ActionBy) {
    this.actions.push([enabled ? 'enable' : 'disable', by, id]);
    return { ok: true as const, value: { strategy: { id, symbols: ['AAPL'], enabled, latched: false } } };
  }
}

/** The API's real server on 127.0.0.1 (an ephemeral port) over a stand-in engine; close `api` after. */
export async function startStandInApi(options: { perMinute?: number } = {}): Promise<{
  readonly api: HttpApi;
  readonly engine: StandInEngine;
  readonly base: string;
}> {
  const engine = new StandInEngine();
  const api = await startHttpApi({
    host: '127.0.0.1',
    port: 0,
    routes: engineApiRoutes({
      control: engine,
      registry: new Registry(),
      dashboardPage: () => '<!doctype html><title>d</title>',
    }),
    tokens: TEST_API_TOKENS,
    matchToken: tokenMatcher(),
    rateLimiter: new RequestRateLimiter(
      systemClock,
      options.perMinute ?? 600_000,
      options.perMinute ?? 100_000,
    ),
    idempotency: new IdempotencyCache<RouteAnswer>(systemClock),
    logger: pino({ level: 'silent' }),
  });
  return { api, engine, base: `http://127.0.0.1:${api.port}` };
}
