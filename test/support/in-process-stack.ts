/**
 * The execution core exactly as the engine builds it (createExecutionService), with the real risk
 * manager and position book, against the in-process venue on a virtual clock (10:00 New York on a
 * trading day): no sockets, no timers. One symbol, quoted 100.00 / 100.02 and held there.
 */
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createExecutionService, type ExecutionService } from '../../engine/execution/execution-service.ts';
import { RiskManager } from '../../engine/risk/risk-manager.ts';
import { strategyExposureQty } from '../../engine/strategy/strategy-exposure.ts';
import { StrategyHost } from '../../engine/strategy/strategy-host.ts';
import { loadConfig } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import type { Strategy } from '../../shared/strategies/strategy.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import { createInProcessVenue, type InProcessVenue } from '../../sim/in-process-venue.ts';
import { minuteBar } from './minute-bars.ts';

export interface InProcessStack {
  readonly clock: ManualClock;
  readonly simulated: InProcessVenue;
  readonly risk: RiskManager;
  readonly execution: ExecutionService;
  /** Moves virtual time on until the condition holds (bounded), letting the venue and awaits run. */
  until(what: string, condition: () => boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Started and reconciled, so entries are allowed. `venue` puts something between the engine and
 * the in-process venue (a filter of its events, say).
 */
export async function inProcessStack(
  symbol: string,
  dailyLossLimitUsd?: number,
  venue: (inner: TradingVenue) => TradingVenue = (inner) => inner,
): Promise<InProcessStack> {
  const clock = new ManualClock(newYorkToUtcMs('2026-11-24', 10 * 60));
  const simulated = createInProcessVenue({ clock, symbols: [symbol] });
  simulated.market.setQuote(
    symbol,
    { bidPrice: 100, askPrice: 100.02, bidSize: 500, askSize: 500 },
    { hold: true },
  );
  const { risk: limits } = loadConfig({
    systemFile: join(import.meta.dirname, '../../config/system.json'),
    env: {},
  });
  const risk = new RiskManager({
    limits:
      dailyLossLimitUsd === undefined
        ? limits
        : {
            ...limits,
            loss: { ...limits.loss, daily_loss_limit_usd: parseFixed(String(dailyLossLimitUsd)) },
          },
    clock,
  });
  const execution = createExecutionService({
    venue: venue(simulated.venue),
    clock,
    logger: createLogger({ name: 'in-process-execution', level: 'silent' }),
    risk,
    positions: risk.positions,
    metrics: new Registry(),
    requestsPerMinute: 200,
    // Virtual time: a retry's pause must not wait on the wall clock.
    sleep: async () => undefined,
  });
  const until = async (what: string, condition: () => boolean): Promise<void> => {
    for (let step = 0; !condition(); step++) {
      if (step > 1_000) throw new Error(`${what}: not within ${step} steps of virtual time`);
      simulated.advanceTo(clock.nowMs() + 10);
      risk.onQuote(symbol, 100, 100.02, clock.nowUs());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const close = async (): Promise<void> => {
    await execution.stop();
    simulated.close();
  };
  execution.start();
  await until('reconciled', () => execution.router.entriesAllowed);
  return { clock, simulated, risk, execution, until, close };
}

/**
 * Strategies hosted as the engine hosts them, their intents going to the stack's router; `feed`
 * hands them closed minute bars of `symbol`, `from` minutes after the stack's start.
 */
export function hostedOn(
  stack: InProcessStack,
  strategies: readonly Strategy[],
): {
  host: StrategyHost;
  results: Promise<unknown>[];
  feed(symbol: string, closes: readonly number[], from: number): void;
} {
  const { clock, execution, risk } = stack;
  const results: Promise<unknown>[] = [];
  const host = new StrategyHost(
    strategies,
    {
      exposureQty: (symbol) =>
        strategyExposureQty(symbol, risk.positions.position(symbol).qty, execution.tracker, () => false),
      submit: (intent) => {
        results.push(execution.router.submit(intent));
      },
      nowMs: () => clock.nowMs(),
    },
    ({ error }) => {
      throw error;
    },
  );
  const firstMinute = Math.floor(clock.nowMs() / 60_000);
  const feed = (symbol: string, closes: readonly number[], from: number): void => {
    closes.forEach((close, i) => {
      host.onBar(minuteBar(symbol, firstMinute + from + i, close));
    });
  };
  return { host, results, feed };
}
