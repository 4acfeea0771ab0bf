/**
 * A router opened for entries without a network: the venue's side of the start-up reconciliation is
 * answered from memory, with the given positions and a healthy margin account. Shared by the
 * execution benchmarks, which measure everything up to the request and nothing after it.
 */
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createExecutionService } from '../../engine/execution/execution-service.ts';
import type { OrderRouter } from '../../engine/execution/order-router.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import type { Account } from '../../shared/domain/account.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { type Clock, ManualClock } from '../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import type { VenuePosition } from '../../shared/venue/venue-types.ts';

const f = parseFixed;

export const BENCH_ACCOUNT: Account = {
  id: 'bench',
  accountNumber: 'PA0000000',
  status: 'ACTIVE',
  currency: 'USD',
  cash: f('100000'),
  equity: f('100000'),
  lastEquity: f('100000'),
  buyingPower: f('200000'),
  daytradingBuyingPower: null,
  longMarketValue: f('5000'),
  shortMarketValue: f('0'),
  multiplier: 2,
  patternDayTrader: false,
  daytradeCount: 0,
  shortingEnabled: true,
  tradingBlocked: false,
  accountBlocked: false,
};

/** A venue with nothing working: it answers the start-up reconciliation and refuses to trade. */
function venueAtRest(positions: readonly VenuePosition[]): TradingVenue {
  const refuse = () => Promise.reject(new Error('the benchmark sends nothing'));
  const never = () => () => undefined;
  return {
    connectionState: 'ready',
    start: () => undefined,
    stop: () => Promise.resolve(),
    onConnectionState: never,
    onQuota: never,
    onOrderEvent: never,
    submitOrder: refuse,
    replaceOrder: refuse,
    cancelOrder: () => Promise.resolve(),
    cancelAllOrders: () => Promise.resolve([]),
    getOrder: () => Promise.resolve(null),
    getOrderByClientOrderId: () => Promise.resolve(null),
    listOrders: () => Promise.resolve([]),
    listPositions: () => Promise.resolve([...positions]),
    getAccount: () => Promise.resolve(BENCH_ACCOUNT),
    getClock: refuse,
    getCalendar: refuse,
  };
}

/** Long 10 at 100 in each symbol. */
export function benchPositions(symbols: readonly string[]): VenuePosition[] {
  return symbols.map((symbol) => ({
    symbol,
    assetClass: 'us_equity',
    qty: f('10'),
    avgEntryPrice: f('100'),
    marketValue: null,
    unrealizedPnl: null,
  }));
}

export async function openRouter(
  clock: Clock,
  risk: RiskManager,
  positions: readonly VenuePosition[],
): Promise<OrderRouter> {
  const execution = createExecutionService({
    venue: venueAtRest(positions),
    clock,
    logger: createLogger({ name: 'bench', level: 'silent' }),
    risk,
    positions: risk.positions,
    metrics: new Registry(),
    requestsPerMinute: 200,
  });
  execution.reconciliation.onConnectionState('ready');
  await execution.reconciliation.resync();
  if (!execution.router.entriesAllowed) throw new Error('router did not open for entries');
  return execution.router;
}

/**
 * The shipped risk limits on a virtual clock at 10:00 New York on a trading day, and a router
 * opened over them holding long 10 at 100 in each symbol.
 */
export async function openRiskRouter(
  symbols: readonly string[],
): Promise<{ clock: ManualClock; risk: RiskManager; router: OrderRouter }> {
  const { risk: limits } = loadConfig({
    systemFile: join(import.meta.dirname, '../../config/system.json'),
    env: {},
  });
  const clock = new ManualClock(newYorkToUtcMs('2026-11-24', 10 * 60));
  const risk = new RiskManager({ limits, clock });
  const router = await openRouter(clock, risk, benchPositions(symbols));
  return { clock, risk, router };
}
