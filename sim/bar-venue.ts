/**
 * The backtest's venue: the simulated broker (matching engine, account, fees) serving the venue
 * port in process, driven by bars instead of quotes. The caller moves the virtual clock through
 * each bar: `openBar` at its start, where the symbol's working orders meet it under the bar fill
 * rule (sim/trading/bar-fill-rule.ts), and `closeBar` at its end, where its close becomes the
 * symbol's mark; orders sent in between are routed by `advanceTo` and meet the next bar.
 */
import { type SlippageModel, slippageModelSchema } from '../shared/broker/alpaca/slippage-model.ts';
import type { FeeRates } from '../shared/config/fees-schema.ts';
import { fixedFromNumber, parseFixed } from '../shared/domain/fixed.ts';
import { FeeSchedule } from '../shared/domain/regulatory-fees.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import type { Timers } from '../shared/time/timers.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import { ClosedDates } from './closed-dates.ts';
import type { SimContext } from './context.ts';
import { BarMarks } from './market/bar-marks.ts';
import { SimulatedVenue } from './simulated-venue.ts';
import type { AccountLedger } from './trading/account-ledger.ts';
import type { MatchingEngine } from './trading/matching-engine.ts';
import { type ScheduledTask, TaskScheduler } from './trading/task-scheduler.ts';
import { createVenueCore } from './trading/venue-core.ts';
import { advanceVirtualTime } from './virtual-time.ts';

export interface BarVenueOptions {
  readonly clock: ManualClock;
  readonly symbols: readonly string[];
  readonly startingCash?: string;
  readonly slippage?: SlippageModel;
  /** Fees charged per execution (config/fees.toml); none when absent. */
  readonly fees?: FeeRates;
  /** Closed orders kept known (MatchingEngineDeps.closedOrderLimit); a long backtest bounds it. */
  readonly closedOrderLimit?: number;
}

export interface BarVenue {
  readonly venue: TradingVenue;
  readonly engine: MatchingEngine;
  /** Cash, positions and fees paid, exact. */
  readonly ledger: AccountLedger;
  /** Timers on the venue's virtual clock: they fire as `advanceTo` passes their instant. */
  readonly timers: Timers;
  /** The symbol's working orders meet the bar at its start (the clock's instant: advanceTo it first). */
  openBar(symbol: string, open: number, high: number, low: number, volume: number): void;
  /** The bar's close is the symbol's mark from `atMs` (its end) on. */
  closeBar(symbol: string, close: number, atMs: number): void;
  /** Runs scheduled work (routing, cancels, timers) up to this instant. */
  advanceTo(epochMs: number): void;
  close(): void;
}

const NO_MARKET = { advanceTo: (_epochMs: number): void => undefined };

export function createBarVenue(options: BarVenueOptions): BarVenue {
  const { clock } = options;
  const context: SimContext = {
    clock,
    seed: 1,
    symbols: options.symbols,
    messagesPerSecond: 1,
    credentials: { keyId: 'backtest', secretKey: 'backtest' },
    // The bars say when the market traded; the venue lets an order meet whichever bar comes next.
    sessionHours: 'always',
  };
  const marks = new BarMarks();
  const scheduler = new TaskScheduler(clock, false);
  const core = createVenueCore({
    context,
    quotes: marks,
    scheduler,
    latencyMs: 0,
    slippage: options.slippage ?? slippageModelSchema.parse({}),
    startingCash: parseFixed(options.startingCash ?? '100000'),
    closedDates: new ClosedDates([]),
    ...(options.fees === undefined ? {} : { fees: new FeeSchedule(options.fees) }),
    matching: 'bars',
    ...(options.closedOrderLimit === undefined ? {} : { closedOrderLimit: options.closedOrderLimit }),
  });
  const advanceTo = (epochMs: number): void => advanceVirtualTime(clock, scheduler, NO_MARKET, epochMs);
  return {
    venue: new SimulatedVenue(core, clock, null),
    engine: core.engine,
    ledger: core.ledger,
    timers: {
      setTimeout: (run, delayMs) => scheduler.after(delayMs, run),
      clearTimeout: (handle) => scheduler.cancel(handle as ScheduledTask),
    },
    openBar(symbol, open, high, low, volume) {
      // Most bars meet no order: the exact prices are made only for a symbol with working orders.
      if (!core.engine.hasWorking(symbol)) return;
      core.engine.matchBar(symbol, {
        open: fixedFromNumber(open),
        high: fixedFromNumber(high),
        low: fixedFromNumber(low),
        volume: fixedFromNumber(volume),
      });
    },
    closeBar(symbol, close, atMs) {
      marks.mark(symbol, close, atMs * 1000);
    },
    advanceTo,
    close() {
      scheduler.close();
      core.engine.close();
    },
  };
}
