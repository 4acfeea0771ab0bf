/**
 * One backtest: the bars, time slice by time slice, through the bar venue and the engine's trading
 * stack (backtest-stack.ts) on a virtual clock. For each slice (the bars starting at one instant):
 *
 * 1. the clock moves to the slice's start, where each bar opens and the working orders of its
 *    symbol meet it under the bar fill rule (fills are booked as the venue reports them);
 * 2. the clock moves to the slice's end, where each bar closes: risk sees its close as the
 *    reference price (stops, daily loss), the venue marks positions at it, and the strategy host
 *    hands the bar to the strategies, whose intents go through risk and execution to the venue;
 * 3. what was sent is routed at that instant, so it meets the next bar of its symbol first;
 * 4. equity (the venue's cash and positions at the latest closes) and the benchmark are recorded.
 *
 * Everything runs on the virtual clock and the venue's scheduler, nothing on the wall clock, so
 * the same bars, strategy and limits give the same trades and the same curve.
 */

import type { SlippageModel } from '../shared/broker/alpaca/slippage-model.ts';
import type { FeeRates } from '../shared/config/fees-schema.ts';
import type { RiskLimits } from '../shared/config/risk-schema.ts';
import { type Fixed, fixedToNumber } from '../shared/domain/fixed.ts';
import type { Bar } from '../shared/domain/market-data.ts';
import type { Strategy } from '../shared/strategies/strategy.ts';
import { ManualClock } from '../shared/time/clock.ts';
import { type BarVenue, createBarVenue } from '../sim/bar-venue.ts';
import type { BacktestMeta, BacktestResult, TradeRecord } from './backtest-result.ts';
import { type BacktestStack, createBacktestStack } from './backtest-stack.ts';
import type { HistoricalBars, Timeframe } from './data/historical-bars.ts';

export interface BacktestRunOptions {
  readonly bars: HistoricalBars;
  readonly strategies: readonly Strategy[];
  readonly limits: RiskLimits;
  readonly startingCash: number;
  readonly slippage: SlippageModel;
  readonly fees: FeeRates;
  /** The run's description for the report; equity, trades and counts are filled in here. */
  readonly meta: BacktestMeta;
  /** BacktestMeta.breakerReset: whether a halted circuit breaker is reset when a session starts. */
  readonly breakerReset: 'session' | 'never';
  /** Called every few thousand bars and at the end, with bars done and the simulated time. */
  readonly onProgress?: (barsDone: number, simulatedMs: number) => void;
}

export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1Min': 60_000,
  '5Min': 300_000,
  '1Hour': 3_600_000,
  '1Day': 86_400_000,
};

const PROGRESS_EVERY_BARS = 16_384;
/** A turn of the event loop now and then, so progress output and signals get their chance. */
const YIELD_EVERY_BARS = 262_144;
/**
 * Turns of the microtask queue a stop's exit may take after the slice's submissions are answered
 * (cancels confirmed, then the exit sent), all on the virtual clock.
 */
const MICROTASK_TURNS = 8;
/** Bounds the wait for one slice's submissions to be answered (each takes a few turns). */
const MAX_TURNS_PER_SUBMISSION = 256;
/** Rounds of settling one slice at most: beyond them the rest waits for the next slice. */
const MAX_SETTLE_ROUNDS = 64;
/** Closed orders the venue keeps known: a long run's memory stays flat. */
const CLOSED_ORDERS_KEPT = 10_000;

export async function runBacktest(options: BacktestRunOptions): Promise<BacktestResult> {
  const { bars } = options;
  const symbols = bars.symbols;
  const count = symbols.length;
  const frameMs = TIMEFRAME_MS[bars.timeframe];
  const firstMs = bars.length > 0 ? Math.floor(bars.startUs[0]! / 1000) : 0;
  const clock = new ManualClock(firstMs - frameMs);
  const venue = createBarVenue({
    clock,
    symbols,
    startingCash: String(options.startingCash),
    slippage: options.slippage,
    fees: options.fees,
    closedOrderLimit: CLOSED_ORDERS_KEPT,
  });
  // Ahead of the stack's own listener, so an execution's costs are known when its fill is booked.
  const costs = new Map<string, { fee: Fixed; slippage: Fixed }>();
  venue.engine.onLiveEvent((_event, _order, _timestampUs, report) => {
    if (report !== undefined) costs.set(report.id, { fee: report.fee, slippage: report.slippageCost });
  });
  const stack = createBacktestStack({ venue, clock, limits: options.limits, strategies: options.strategies });
  const { execution, risk, portfolio, host } = stack;

  const indexOf = new Map(symbols.map((symbol, index) => [symbol, index]));
  const position = new Float64Array(count);
  const lastClose = new Float64Array(count);
  const benchmarkUnits = new Float64Array(count);
  const benchmarkShare = options.startingCash / Math.max(count, 1);
  let cash = options.startingCash;

  const strategyOf = new Map<string, string>();
  const trades: TradeRecord[] = [];
  let orders = 0;
  execution.events.subscribe((event) => {
    if (event.type === 'order_sending') {
      orders++;
      strategyOf.set(event.request.clientOrderId, event.intent.strategyId);
    } else if (event.type === 'fill_booked') {
      const { fill, realized } = event;
      const cost = costs.get(fill.executionId);
      costs.delete(fill.executionId);
      const index = indexOf.get(fill.symbol)!;
      position[index] = fixedToNumber(portfolio.position(fill.symbol).qty);
      cash = fixedToNumber(venue.ledger.cash);
      trades.push({
        timeMs: fill.timestampMs,
        strategyId: strategyOf.get(fill.clientOrderId) ?? 'unknown',
        symbol: fill.symbol,
        side: fill.side,
        qty: fixedToNumber(fill.qty),
        price: fixedToNumber(fill.price),
        fee: cost === undefined ? 0 : fixedToNumber(cost.fee),
        slippage: cost === undefined ? 0 : fixedToNumber(cost.slippage),
        realizedPnl: fixedToNumber(realized),
        positionAfter: position[index]!,
      });
    }
  });

  await start(stack, venue, clock);
  // The session in which risk's breaker last tripped, while it stays tripped; null while it trades.
  let haltedIn: string | null = null;
  let breakerResets = 0;
  risk.events.subscribe((event) => {
    if (event.type === 'breaker_transition' && event.to !== 'normal') haltedIn = risk.sessionDate;
  });

  const slices = countSlices(bars);
  const curve = {
    timeMs: new Float64Array(slices),
    equity: new Float64Array(slices),
    benchmark: new Float64Array(slices),
    gross: new Float64Array(slices),
  };
  let slice = 0;
  let next = 0;
  while (next < bars.length) {
    const startUs = bars.startUs[next]!;
    let end = next;
    while (end < bars.length && bars.startUs[end] === startUs) end++;
    const startMs = Math.floor(startUs / 1000);
    const closeMs = startMs + frameMs;
    venue.advanceTo(startMs);
    if (haltedIn !== null && options.breakerReset === 'session') {
      if (risk.breakerState === 'normal') haltedIn = null;
      else if (risk.sessionDate !== haltedIn) {
        risk.resetBreaker('backtest', 'a new session: the operator resets the breaker after review');
        haltedIn = null;
        breakerResets++;
      }
    }
    for (let i = next; i < end; i++) {
      venue.openBar(symbols[bars.symbol[i]!]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.volume[i]!);
    }
    venue.advanceTo(closeMs);
    const closeUs = closeMs * 1000;
    for (let i = next; i < end; i++) {
      const index = bars.symbol[i]!;
      const symbol = symbols[index]!;
      const close = bars.close[i]!;
      lastClose[index] = close;
      if (benchmarkUnits[index] === 0) benchmarkUnits[index] = benchmarkShare / close;
      risk.onQuote(symbol, close, close, closeUs);
      venue.closeBar(symbol, close, closeMs);
      host.onBar(barAt(bars, i, symbol));
    }
    if (stack.takeActivity() && stack.busy()) await settle(stack, venue, closeMs);
    let held = 0;
    let gross = 0;
    let benchmark = 0;
    for (let k = 0; k < count; k++) {
      const value = position[k]! * lastClose[k]!;
      held += value;
      gross += Math.abs(value);
      benchmark += benchmarkUnits[k] === 0 ? benchmarkShare : benchmarkUnits[k]! * lastClose[k]!;
    }
    curve.timeMs[slice] = closeMs;
    curve.equity[slice] = cash + held;
    curve.benchmark[slice] = benchmark;
    curve.gross[slice] = gross;
    slice++;
    const before = next;
    next = end;
    if (
      options.onProgress !== undefined &&
      Math.floor(before / PROGRESS_EVERY_BARS) !== Math.floor(next / PROGRESS_EVERY_BARS)
    ) {
      options.onProgress(next, closeMs);
    }
    if (Math.floor(before / YIELD_EVERY_BARS) !== Math.floor(next / YIELD_EVERY_BARS)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  options.onProgress?.(bars.length, clock.nowMs());
  await stack.stop();
  venue.close();
  return {
    meta: options.meta,
    equity: curve,
    trades,
    bars: bars.length,
    orders,
    refusals: Object.fromEntries([...stack.refusals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    breakerResets,
  };
}

/** Starts execution and waits (on virtual time) until it has reconciled with the venue. */
async function start(stack: BacktestStack, venue: BarVenue, clock: ManualClock): Promise<void> {
  stack.execution.start();
  for (let turn = 0; !stack.execution.router.entriesAllowed; turn++) {
    if (turn > 1_000) throw new Error('the backtest venue did not reconcile');
    venue.advanceTo(clock.nowMs());
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Lets what this slice started run to where it waits on the next bar or on virtual time: the
 * router's promises, a stop's cancels and exit, routing at the venue.
 */
async function settle(stack: BacktestStack, venue: BarVenue, nowMs: number): Promise<void> {
  let rounds = 0;
  do {
    for (let turn = 0; stack.pendingSubmissions > 0 && turn < MAX_TURNS_PER_SUBMISSION; turn++)
      await undefined;
    if (stack.closing()) for (let turn = 0; turn < MICROTASK_TURNS; turn++) await undefined;
    venue.advanceTo(nowMs);
  } while (stack.takeActivity() && ++rounds < MAX_SETTLE_ROUNDS);
  stack.houseKeep();
}

function countSlices(bars: HistoricalBars): number {
  let slices = 0;
  for (let i = 0; i < bars.length; i++) if (i === 0 || bars.startUs[i] !== bars.startUs[i - 1]) slices++;
  return slices;
}

function barAt(bars: HistoricalBars, i: number, symbol: string): Bar {
  const close = bars.close[i]!;
  return {
    symbol,
    // A backtest's bars of any timeframe are the bars its strategies trade on, taken as live
    // minute bars are.
    kind: 'minute',
    startUs: bars.startUs[i]!,
    open: bars.open[i]!,
    high: bars.high[i]!,
    low: bars.low[i]!,
    close,
    volume: bars.volume[i]!,
    tradeCount: 0,
    vwap: close,
  };
}
