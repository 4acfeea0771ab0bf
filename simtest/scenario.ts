/**
 * What one seed means: the market (the simulated market's own seed, its symbols and the trading
 * day), the strategies' parameters, the risk limits that bind them and the schedule of faults.
 * Everything is drawn from one Prng in a fixed order, so a seed names one run exactly; adding a
 * draw at the end keeps earlier seeds' scenarios as they were.
 */
import { Prng } from '../sim/market/prng.ts';

/** A REST failure, as the sim's scripted faults (sim/faults/rest-faults.ts) describe one. */
export interface RestFaultPlan {
  readonly kind: 'status' | 'timeout';
  readonly status: number;
  readonly when: 'before' | 'after';
  readonly method?: string;
  readonly path?: string;
  readonly count: number;
}

export type FaultPlan =
  | { readonly atMs: number; readonly kind: 'rest'; readonly rest: RestFaultPlan }
  /** The trade-updates stream's delivery (sim/faults/event-faults.ts): delay, repeat or reverse N events. */
  | {
      readonly atMs: number;
      readonly kind: 'order_events';
      readonly fault: 'delay' | 'duplicate' | 'reorder';
      readonly count: number;
      readonly delayMs: number;
    }
  /** The trade-updates stream drops: events in the outage are lost, as on a broken socket. */
  | { readonly atMs: number; readonly kind: 'stream_outage'; readonly durationMs: number }
  /** The next N market-data messages are dropped, sent twice, reversed, or held back. */
  | {
      readonly atMs: number;
      readonly kind: 'market_data';
      readonly fault: 'drop' | 'duplicate' | 'reorder' | 'delay';
      readonly count: number;
      readonly delayMs: number;
    }
  /** N malformed frames reach the engine's frame decoder. */
  | { readonly atMs: number; readonly kind: 'malformed_frames'; readonly count: number }
  /** A trading halt of one symbol (status H at the venue and on the feed), lifted after the duration. */
  | { readonly atMs: number; readonly kind: 'halt'; readonly symbol: string; readonly durationMs: number };

export interface StrategyPlan {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly period: number;
  readonly thresholdBps: number;
  readonly entryQty: string;
}

export interface LimitsPlan {
  readonly maxPositionNotionalUsd: string;
  readonly maxTotalExposureUsd: string;
  readonly stopLossPct: string;
  readonly maxConsecutiveLosses: number;
  readonly dailyLossLimitUsd: string;
}

/** A fault of the shared store, for every engine, over a window. */
export interface StoreFaultPlan {
  readonly atMs: number;
  readonly durationMs: number;
  readonly fault: 'throttle' | 'internal_before' | 'internal_after' | 'latency' | 'unprocessed';
}

/**
 * What happens to the engine processes (drawn after everything else, so a seed's market and
 * faults stay as they were): a crash of the engine trading then, restarted after a delay; a
 * second engine started beside the first (it stands by, and takes over when the lease is free);
 * the trading engine cut off from the store long enough to lose its lease; store faults; an
 * operator's kill switch.
 */
export interface ProcessPlan {
  readonly crashAtMs: number | null;
  readonly restartAfterMs: number;
  readonly contenderAtMs: number | null;
  readonly cutOff: { readonly atMs: number; readonly durationMs: number } | null;
  readonly storeFaults: readonly StoreFaultPlan[];
  /** An operator's kill switch on the engine trading then: cancel everything, flatten. */
  readonly killSwitchAtMs: number | null;
  /** The trading engine stops running for longer than its lease, then resumes (drawn by pauseFor). */
  readonly pause: PausePlan | null;
  /** When, in its minute, the lease watchdog's scheduled run falls. */
  readonly watchdogPhaseMs: number;
}

/** The order a resumed process runs what it held: its timers first, or what arrived first. */
export type ResumeOrder = 'timers_first' | 'arrivals_first';

/**
 * A process that stops without dying (a GC pause, a frozen container, SIGSTOP) for longer than
 * its lease; with `standby`, a second engine is started then and takes the lease over.
 */
export interface PausePlan {
  readonly atMs: number;
  readonly durationMs: number;
  readonly standby: boolean;
  readonly resume: ResumeOrder;
}

/**
 * The broker's cancel-side faults (drawn from a stream of their own, so every other draw of a
 * seed stays as it was):
 * - `slow_cancels`: the next cancels are accepted (pending_cancel) but take `durationMs` to be
 *   final, and the order may fill meanwhile;
 * - `cancel_race`: the next cancels are `delayMs` in flight, with the order's events held back
 *   as long, and lose the race: a working limit order fills just before its cancel arrives, which
 *   is refused with 422, the fill reported only after;
 * - `wash_trade`: the next risk exits are refused with Alpaca's 403 "potential wash trade";
 * - `cancel_outage`: from the next cancel on, every cancel answers 503 for `durationMs` (longer
 *   than the client's retries last), so only a cancel asked again later goes through.
 */
export type CancelFaultPlan =
  | {
      readonly atMs: number;
      readonly kind: 'slow_cancels';
      readonly count: number;
      readonly durationMs: number;
    }
  | { readonly atMs: number; readonly kind: 'cancel_race'; readonly count: number; readonly delayMs: number }
  | { readonly atMs: number; readonly kind: 'wash_trade'; readonly count: number }
  | { readonly atMs: number; readonly kind: 'cancel_outage'; readonly durationMs: number };

export interface CancelFaults {
  readonly faults: readonly CancelFaultPlan[];
  /** 429s on the kill switch's cancels and on its flatten, after the two failed cancels. */
  readonly killSwitchBursts: { readonly cancels: number; readonly flatten: number };
  /**
   * Buy entries rest this many basis points below the strategies' price (null: they take the
   * offer), so a stop or the kill switch finds orders to cancel (simtest/resting-entries.ts).
   */
  readonly restingEntryBps: number | null;
}

export interface Scenario {
  readonly seed: number;
  readonly marketSeed: number;
  readonly symbols: readonly string[];
  /** The New York trading day and minute the run starts at. */
  readonly date: string;
  readonly startMinute: number;
  readonly durationMs: number;
  readonly messagesPerSecond: number;
  readonly strategies: readonly StrategyPlan[];
  readonly limits: LimitsPlan;
  readonly faults: readonly FaultPlan[];
  readonly process: ProcessPlan;
  /** Feed and endpoint faults, drawn from a stream of their own (feedFaultsFor). */
  readonly feedFaults: readonly FeedFaultPlan[];
  /** Working limit orders repriced through the engine's replace (drawn after the feed faults). */
  readonly repricing: RepricingPlan | null;
  readonly cancelFaults: CancelFaults;
}

/**
 * Working limit orders of the strategies replaced at the touch once they have worked `afterMs`;
 * the venue answers each replace `answerDelayMs` after it took effect.
 */
export interface RepricingPlan {
  readonly afterMs: number;
  readonly answerDelayMs: number;
}

/**
 * Faults of the market-data socket and of the venue's endpoints: a socket that stays open while
 * nothing arrives on it (no close frame); a narrow limit-up/limit-down band set around the
 * symbol's price, with or without a limit-state pause (a halt, then a new band once it resumes);
 * the positions endpoint answering what the account held `lagMs` earlier, as Alpaca's lags its
 * orders and fills.
 */
export type FeedFaultPlan =
  | { readonly atMs: number; readonly kind: 'silent_socket'; readonly durationMs: number }
  | {
      readonly atMs: number;
      readonly kind: 'luld';
      readonly symbol: string;
      /** Half the band's width, in basis points of the mid. */
      readonly bandBps: number;
      /**
       * A limit state: the band's top at the ask ('up') or its bottom at the bid ('down'), so the
       * next move that way leaves it; null: the band centred on the mid.
       */
      readonly limitState: 'up' | 'down' | null;
      /** How long the narrow band lasts, and whether a limit-state pause comes `pauseAfterMs` into it. */
      readonly durationMs: number;
      readonly pause: { readonly afterMs: number; readonly durationMs: number } | null;
    }
  | {
      readonly atMs: number;
      readonly kind: 'positions_lag';
      readonly durationMs: number;
      readonly lagMs: number;
    };

const SYMBOL_POOL = ['AAPL', 'MSFT', 'SPY', 'AMD', 'TSLA', 'NVDA'] as const;
/** Weekdays with a regular session (no holiday, no early close). */
const DATES = ['2026-03-10', '2026-05-13', '2026-09-16', '2026-11-24'] as const;
const RUN_MS = 10 * 60_000;
/** Faults stop this long before the end, so the run ends on a quiet market the engine can settle in. */
const QUIET_TAIL_MS = 90_000;

const SUBMIT = { method: 'POST', path: '/v2/orders' } as const;

export function scenarioFor(seed: number): Scenario {
  const prng = new Prng(seed);
  const pick = <T>(items: readonly T[]): T => items[prng.nextInt(items.length)]!;
  const between = (low: number, high: number): number => low + prng.nextInt(high - low + 1);

  const pool = [...SYMBOL_POOL];
  const symbolCount = between(1, 3);
  const symbols: string[] = [];
  for (let i = 0; i < symbolCount; i++) symbols.push(pool.splice(prng.nextInt(pool.length), 1)[0]!);
  symbols.sort();

  const strategies: StrategyPlan[] = [];
  const strategyCount = between(1, 2);
  for (let i = 0; i < strategyCount; i++) {
    strategies.push({
      id: `momentum-${i + 1}`,
      symbols: i === 0 ? symbols : [pick(symbols)],
      period: between(5, 40),
      // The generated market moves a few basis points a minute: thresholds of a fraction of one trade.
      thresholdBps: between(1, 25) / 10,
      entryQty: String(between(1, 40)),
    });
  }

  const limits: LimitsPlan = {
    maxPositionNotionalUsd: String(between(2, 20) * 1_000),
    maxTotalExposureUsd: String(between(5, 40) * 1_000),
    stopLossPct: (between(5, 60) / 100).toFixed(2),
    maxConsecutiveLosses: between(2, 8),
    dailyLossLimitUsd: String(between(1, 20) * 50),
  };

  const faults: FaultPlan[] = [];
  const faultCount = between(0, 14);
  for (let i = 0; i < faultCount; i++) {
    const atMs = prng.nextInt(RUN_MS - QUIET_TAIL_MS);
    faults.push(faultAt(atMs, prng, pick, between, symbols));
  }
  faults.sort((a, b) => a.atMs - b.atMs);

  const marketSeed = prng.nextUint32();
  const date = pick(DATES);
  const startMinute = 10 * 60 + between(0, 240);
  const messagesPerSecond = between(10, 40);
  const inRun = (): number => 20_000 + prng.nextInt(RUN_MS - QUIET_TAIL_MS - 60_000);
  const crashAtMs = prng.nextInt(2) === 0 ? inRun() : null;
  const restartAfterMs = between(0, 5_000);
  const contenderAtMs = prng.nextInt(3) === 0 ? inRun() : null;
  const cutOff = prng.nextInt(4) === 0 ? { atMs: inRun(), durationMs: between(16_000, 40_000) } : null;
  const storeFaults: StoreFaultPlan[] = [];
  const storeFaultCount = between(0, 3);
  for (let i = 0; i < storeFaultCount; i++)
    storeFaults.push({
      atMs: inRun(),
      durationMs: between(200, 10_000),
      fault: pick(['throttle', 'internal_before', 'internal_after', 'latency', 'unprocessed'] as const),
    });
  storeFaults.sort((a, b) => a.atMs - b.atMs);
  const killSwitchAtMs = prng.nextInt(6) === 0 ? inRun() : null;

  return {
    seed,
    marketSeed,
    symbols,
    date,
    startMinute,
    durationMs: RUN_MS,
    messagesPerSecond,
    strategies,
    limits,
    faults,
    process: {
      crashAtMs,
      restartAfterMs,
      contenderAtMs,
      cutOff,
      storeFaults,
      killSwitchAtMs,
      ...pauseFor(seed),
    },
    ...feedFaultsFor(seed, symbols),
    cancelFaults: cancelFaultsFor(seed),
  };
}

/**
 * The pause and the watchdog's schedule, from a stream of their own: drawn from the scenario's,
 * they would shift every later draw, and with it every seed's faults.
 */
function pauseFor(seed: number): Pick<ProcessPlan, 'pause' | 'watchdogPhaseMs'> {
  const prng = new Prng((seed ^ 0x9a05ed) >>> 0);
  const watchdogPhaseMs = prng.nextInt(60_000);
  if (prng.nextInt(3) !== 0) return { pause: null, watchdogPhaseMs };
  // Over by the quiet tail, however long: the longest pause runs past the watchdog's next run.
  const atMs = 20_000 + prng.nextInt(380_000);
  const durationMs = 16_000 + prng.nextInt(74_001);
  const standby = prng.nextInt(2) === 0;
  const resume = prng.nextInt(2) === 0 ? 'timers_first' : 'arrivals_first';
  return { pause: { atMs, durationMs, standby, resume }, watchdogPhaseMs };
}

/** Feed faults end this long before the quiet tail: a silence's reconnect, a pause's resume. */
const FEED_FAULT_ROOM_MS = 60_000;

/**
 * The feed and endpoint faults, from a Prng of their own, so the draws above (and whatever is
 * drawn after them) are the same with or without these.
 */
export function feedFaultsFor(
  seed: number,
  symbols: readonly string[],
): { feedFaults: FeedFaultPlan[]; repricing: RepricingPlan | null } {
  const prng = new Prng((seed ^ 0xfeedface) >>> 0);
  const between = (low: number, high: number): number => low + prng.nextInt(high - low + 1);
  const faults: FeedFaultPlan[] = [];
  const count = between(0, 4);
  for (let i = 0; i < count; i++) {
    const atMs = prng.nextInt(RUN_MS - QUIET_TAIL_MS - FEED_FAULT_ROOM_MS);
    switch (prng.nextInt(3)) {
      case 0:
        faults.push({ atMs, kind: 'silent_socket', durationMs: between(5_000, 40_000) });
        break;
      case 1: {
        const durationMs = between(10_000, 60_000);
        faults.push({
          atMs,
          kind: 'luld',
          symbol: symbols[prng.nextInt(symbols.length)]!,
          bandBps: between(2, 40),
          // Drawn last (below), so the draws after this one are as they were.
          limitState: null,
          durationMs,
          pause:
            prng.nextInt(2) === 0
              ? { afterMs: between(1_000, durationMs - 1_000), durationMs: between(5_000, 15_000) }
              : null,
        });
        break;
      }
      default:
        faults.push({
          atMs,
          kind: 'positions_lag',
          durationMs: between(30_000, 300_000),
          lagMs: between(1_000, 4_000),
        });
    }
  }
  faults.sort((a, b) => a.atMs - b.atMs);
  const repricing =
    prng.nextInt(2) === 0 ? { afterMs: between(0, 2_000), answerDelayMs: between(0, 1_000) } : null;
  const limitStates = ['up', 'down', null] as const;
  const feedFaults = faults.map((fault) =>
    fault.kind === 'luld' ? { ...fault, limitState: limitStates[prng.nextInt(limitStates.length)]! } : fault,
  );
  return { feedFaults, repricing };
}

function cancelFaultsFor(seed: number): CancelFaults {
  const prng = new Prng((seed ^ 0x5ca1ab1e) >>> 0);
  const between = (low: number, high: number): number => low + prng.nextInt(high - low + 1);
  const faults: CancelFaultPlan[] = [];
  const count = between(0, 4);
  for (let i = 0; i < count; i++) {
    const atMs = prng.nextInt(RUN_MS - QUIET_TAIL_MS);
    switch (prng.nextInt(4)) {
      case 0:
        faults.push({ atMs, kind: 'slow_cancels', count: between(1, 3), durationMs: between(1_000, 10_000) });
        break;
      case 1:
        faults.push({ atMs, kind: 'cancel_race', count: between(1, 3), delayMs: between(200, 3_000) });
        break;
      case 2:
        faults.push({ atMs, kind: 'wash_trade', count: between(1, 3) });
        break;
      default:
        faults.push({ atMs, kind: 'cancel_outage', durationMs: between(5_000, 20_000) });
        break;
    }
  }
  faults.sort((a, b) => a.atMs - b.atMs);
  const killSwitchBursts = { cancels: between(0, 6), flatten: between(0, 6) };
  const restingEntryBps = prng.nextInt(2) === 0 ? between(1, 5) : null;
  return { faults, killSwitchBursts, restingEntryBps };
}

function faultAt(
  atMs: number,
  prng: Prng,
  pick: <T>(items: readonly T[]) => T,
  between: (low: number, high: number) => number,
  symbols: readonly string[],
): FaultPlan {
  switch (prng.nextInt(9)) {
    case 0:
      return {
        atMs,
        kind: 'rest',
        rest: {
          kind: 'status',
          status: pick([500, 502, 503]),
          when: pick(['before', 'after']),
          ...SUBMIT,
          count: between(1, 3),
        },
      };
    case 1:
      return {
        atMs,
        kind: 'rest',
        rest: {
          kind: 'timeout',
          status: 0,
          when: pick(['before', 'after']),
          ...SUBMIT,
          count: between(1, 2),
        },
      };
    case 2:
      // A burst of 429s on whatever is asked next: submissions, cancels, reconciliation's reads.
      return {
        atMs,
        kind: 'rest',
        rest: { kind: 'status', status: 429, when: 'before', count: between(1, 6) },
      };
    case 3:
      return {
        atMs,
        kind: 'rest',
        rest: { kind: 'status', status: pick([500, 503]), when: 'before', count: between(1, 4) },
      };
    case 4:
      return {
        atMs,
        kind: 'order_events',
        fault: pick(['delay', 'duplicate', 'reorder']),
        count: between(1, 6),
        delayMs: between(100, 5_000),
      };
    case 5:
      return { atMs, kind: 'stream_outage', durationMs: between(500, 20_000) };
    case 6:
      return {
        atMs,
        kind: 'market_data',
        fault: pick(['drop', 'duplicate', 'reorder', 'delay']),
        count: between(1, 50),
        delayMs: between(100, 3_000),
      };
    case 7:
      return { atMs, kind: 'malformed_frames', count: between(1, 5) };
    default:
      return { atMs, kind: 'halt', symbol: pick(symbols), durationMs: between(5_000, 60_000) };
  }
}
