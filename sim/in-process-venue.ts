/**
 * The simulator as a venue in the caller's own process: the venue port (shared/venue) over the
 * matching engine, account and fill model that the HTTP simulator serves, on a virtual clock the
 * caller moves (`advanceTo`). No sockets and no JSON on the order path: requests go in as typed
 * values and orders come out mapped field by field. Backtests, the deterministic harness and fast
 * engine tests run the execution core against it; the venue contract suite holds it to the same
 * behaviour as the Alpaca adapter talking to the HTTP simulator.
 *
 * The market-data side of the port comes with it (sim/in-process-market-data.ts): `openFeed` hands
 * the same market's events to a MarketDataListener as domain messages, `history` serves gap
 * backfill from the market's recorded bars and trades.
 */
import { slippageModelSchema } from '../shared/broker/alpaca/slippage-model.ts';
import { parseFixed } from '../shared/domain/fixed.ts';
import type { ManualClock } from '../shared/time/clock.ts';
import type { Timers } from '../shared/time/timers.ts';
import type { MarketDataFeed, MarketDataHistory } from '../shared/venue/market-data-feed.ts';
import type { TradingVenue } from '../shared/venue/trading-venue.ts';
import { ClosedDates } from './closed-dates.ts';
import type { SimContext } from './context.ts';
import { RateLimiter } from './http/rate-limiter.ts';
import {
  type InProcessFeedOptions,
  InProcessMarketDataFeed,
  InProcessMarketDataHistory,
} from './in-process-market-data.ts';
import { createMarket, type SimMarket } from './market/market.ts';
import { SimulatedVenue } from './simulated-venue.ts';
import type { MatchingEngine } from './trading/matching-engine.ts';
import { type ScheduledTask, TaskScheduler } from './trading/task-scheduler.ts';
import { createVenueCore } from './trading/venue-core.ts';
import { advanceVirtualTime } from './virtual-time.ts';

export interface InProcessVenueOptions {
  readonly clock: ManualClock;
  readonly symbols: readonly string[];
  readonly seed?: number;
  /** 'scripted' (default): prices move only by setQuote; 'generated': the seeded market. */
  readonly market?: 'scripted' | 'generated';
  readonly sessionHours?: 'always' | 'nyse';
  readonly latencyMs?: number;
  readonly startingCash?: string;
  /**
   * Closed orders the venue keeps known (getOrder, listOrders, client_order_id uniqueness);
   * older ones are forgotten. Default: all, as Alpaca keeps them; a long backtest bounds it.
   */
  readonly closedOrderLimit?: number;
  /**
   * Requests per minute the venue answers, every port call but onOrderEvent counting, as the
   * HTTP simulator counts trading REST requests per key (the same limiter); beyond it a call
   * throws VenueRateLimitedError with the window's reset. Default: no limit.
   */
  readonly rateLimitPerMinute?: number;
  /** Events per second the generated market makes across its symbols (default 1000). */
  readonly messagesPerSecond?: number;
}

export interface InProcessVenue {
  readonly venue: TradingVenue;
  readonly market: SimMarket;
  readonly engine: MatchingEngine;
  /**
   * A market-data feed (the port's MarketDataFeed) of this venue's market: started, it delivers
   * the subscribed symbols' events to the listener as they happen, on the virtual clock.
   */
  openFeed(options: InProcessFeedOptions): MarketDataFeed;
  /** Gap backfill (the port's MarketDataHistory) from the market's recorded bars and trades. */
  readonly history: MarketDataHistory;
  /** Timers on the venue's virtual clock: they fire as `advanceTo` passes their instant. */
  readonly timers: Timers;
  /** Runs the market and every scheduled effect (latency, expiries) up to this instant. */
  advanceTo(epochMs: number): void;
  /** Stops the market, the scheduled work and every feed opened here. */
  close(): void;
}

export function createInProcessVenue(options: InProcessVenueOptions): InProcessVenue {
  const { clock } = options;
  const context: SimContext = {
    clock,
    seed: options.seed ?? 1,
    symbols: options.symbols,
    messagesPerSecond: options.messagesPerSecond ?? 1000,
    credentials: { keyId: 'in-process', secretKey: 'in-process' },
    sessionHours: options.sessionHours ?? 'always',
  };
  const closedDates = new ClosedDates([]);
  const market = createMarket(context, { generate: options.market === 'generated', closedDates });
  const scheduler = new TaskScheduler(clock, false);
  const core = createVenueCore({
    context,
    quotes: market,
    scheduler,
    latencyMs: options.latencyMs ?? 0,
    slippage: slippageModelSchema.parse({}),
    startingCash: parseFixed(options.startingCash ?? '100000'),
    closedDates,
    ...(options.closedOrderLimit === undefined ? {} : { closedOrderLimit: options.closedOrderLimit }),
  });
  // CTS 2 / UTP H: halted; any other status lets the symbol's orders trade again.
  market.onStatus((status) =>
    core.engine.setHalted(status.symbol, status.statusCode === 'H' || status.statusCode === '2'),
  );
  const feeds: InProcessMarketDataFeed[] = [];
  return {
    venue: new SimulatedVenue(
      core,
      clock,
      options.rateLimitPerMinute === undefined ? null : new RateLimiter(clock, options.rateLimitPerMinute),
    ),
    market,
    engine: core.engine,
    openFeed(feedOptions) {
      const feed = new InProcessMarketDataFeed(market, clock, feedOptions);
      feeds.push(feed);
      return feed;
    },
    history: new InProcessMarketDataHistory(market),
    timers: {
      setTimeout: (run, delayMs) => scheduler.after(delayMs, run),
      clearTimeout: (handle) => scheduler.cancel(handle as ScheduledTask),
    },
    advanceTo: (epochMs) => advanceVirtualTime(clock, scheduler, market, epochMs),
    close() {
      for (const feed of feeds.splice(0)) void feed.stop();
      market.stop();
      scheduler.close();
      core.engine.close();
    },
  };
}
