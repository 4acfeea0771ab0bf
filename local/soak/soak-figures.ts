/**
 * The soak's figures from its samples and its final counts, and the verdict against the
 * thresholds (issue 17): memory flat after warm-up, no message lost, event-loop delay p99 low,
 * the engine's orders and positions the simulator's. Pure.
 */
import type { Difference } from '../../shared/ops/reconcile/reconciliation-differences.ts';
import type { SoakSample } from './soak-sample.ts';

export const THRESHOLDS = {
  /** Heap and RSS growth from just after warm-up to the end, in percent. */
  maxMemoryGrowthPct: 10,
  maxLostMessages: 0,
  /** Event-loop delay p99, in ms. */
  maxLagP99Ms: 10,
} as const;

/** A delay of the soak's own idle loop this long means the machine did not run it. */
const MACHINE_STALL_MS = 50;

export interface FinalCounts {
  /** Data messages the simulator handed to the engine's sockets, by the engine's message type. */
  readonly sent: Readonly<Record<string, number>>;
  readonly received: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly reconnects: number;
}

export interface Consistency {
  /** The reconciliation's differences (positions, open orders with their fills); none is consistent. */
  readonly differences: readonly Difference[];
  /** Orders the engine sent in the run (`execution_orders_sent_total`). */
  readonly engineOrders: number;
  /** Executions it booked (`execution_fills_booked_total`). */
  readonly engineFills: number;
  readonly openOrders: number;
  readonly positions: number;
}

export interface MemoryGrowth {
  /** Median over the first window after warm-up. */
  readonly startBytes: number;
  /** Median over the last window. */
  readonly endBytes: number;
  readonly peakBytes: number;
  readonly growthPct: number;
}

export interface Check {
  readonly name: string;
  readonly value: string;
  readonly threshold: string;
  readonly ok: boolean;
}

export interface SoakFigures {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly samples: number;
  readonly rate: {
    readonly requested: number;
    /** Messages sent over the run divided by its length. */
    readonly sentPerSecond: number;
    /** The slowest sample interval's. */
    readonly minIntervalPerSecond: number;
    readonly receivedPerSecond: number;
  };
  readonly lag: {
    /**
     * The largest of the intervals' p99s: an upper bound of the run's p99, since a value that at
     * least 99 % of every interval's readings stay under holds for 99 % of all of them.
     */
    readonly p99Ms: number;
    readonly medianIntervalP99Ms: number;
    readonly maxMs: number;
    /** Sample intervals whose p99 reached the threshold, of all intervals. */
    readonly intervalsOver: number;
    /** Of those, the ones in which the soak's own idle process stalled too: the machine's doing. */
    readonly intervalsOverMachineStalled: number;
    /** The largest delay of the soak's own event loop in the run. */
    readonly soakMaxMs: number;
    readonly intervals: number;
    /** Each interval's p99, in order, for a reader looking for a pattern (the minute's bars, a GC). */
    readonly intervalP99sMs: readonly number[];
  };
  readonly heap: MemoryGrowth;
  readonly rss: MemoryGrowth;
  readonly messages: {
    readonly sent: number;
    readonly received: number;
    readonly lost: number;
    readonly byType: Readonly<Record<string, { readonly sent: number; readonly received: number }>>;
    readonly rejected: number;
    readonly reconnects: number;
  };
  /** Order intents the engine refused over the run, by reason. */
  readonly refused: Readonly<Record<string, number>>;
  readonly consistency: Consistency;
  readonly checks: readonly Check[];
  readonly pass: boolean;
}

export interface FigureInputs {
  readonly samples: readonly SoakSample[];
  readonly warmupMs: number;
  readonly requestedRate: number;
  readonly final: FinalCounts;
  readonly consistency: Consistency;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Growth between the first and the last fifth of the samples after warm-up, each taken at its
 * median: a single reading lands anywhere on the garbage collector's sawtooth.
 */
export function memoryGrowth(values: readonly number[]): MemoryGrowth {
  const window = Math.max(1, Math.floor(values.length / 5));
  const startBytes = median(values.slice(0, window));
  const endBytes = median(values.slice(-window));
  return {
    startBytes,
    endBytes,
    peakBytes: Math.max(...values),
    growthPct: ((endBytes - startBytes) / startBytes) * 100,
  };
}

const sum = (counts: Readonly<Record<string, number>>): number =>
  Object.values(counts).reduce((total, value) => total + value, 0);

export function soakFigures(inputs: FigureInputs): SoakFigures {
  const { samples, warmupMs, final, consistency } = inputs;
  if (samples.length < 2) throw new Error('the soak needs at least two samples');
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const seconds = (last.atMs - first.atMs) / 1000;
  const afterWarmup = samples.filter((sample) => sample.atMs >= warmupMs);
  const steady = afterWarmup.length > 0 ? afterWarmup : [last];
  let minIntervalPerSecond = Number.POSITIVE_INFINITY;
  for (let i = 1; i < samples.length; i++) {
    const elapsed = (samples[i]!.atMs - samples[i - 1]!.atMs) / 1000;
    if (elapsed > 0)
      minIntervalPerSecond = Math.min(
        minIntervalPerSecond,
        (samples[i]!.sent - samples[i - 1]!.sent) / elapsed,
      );
  }
  // The first reading's p99 covers the engine's start-up (history load, first compile), which is
  // not the load under test; every later one covers one sample interval of the soak.
  const intervals = samples.slice(1);
  const intervalP99s = intervals.map((sample) => sample.lagP99Ms);
  const types = [...new Set([...Object.keys(final.sent), ...Object.keys(final.received)])].sort();
  const byType = Object.fromEntries(
    types.map((type) => [type, { sent: final.sent[type] ?? 0, received: final.received[type] ?? 0 }]),
  );
  const sent = sum(final.sent);
  const received = sum(final.received);
  const lost = Math.max(0, sent - received) + final.rejected;
  const heap = memoryGrowth(steady.map((sample) => sample.heapUsedBytes));
  const rss = memoryGrowth(steady.map((sample) => sample.rssBytes));
  const lag = {
    p99Ms: Math.max(...intervalP99s),
    medianIntervalP99Ms: median(intervalP99s),
    maxMs: Math.max(...intervals.map((sample) => sample.lagMaxMs)),
    intervalsOver: intervalP99s.filter((p99) => p99 >= THRESHOLDS.maxLagP99Ms).length,
    intervalsOverMachineStalled: intervals.filter(
      (sample) => sample.lagP99Ms >= THRESHOLDS.maxLagP99Ms && sample.soakLagMaxMs >= MACHINE_STALL_MS,
    ).length,
    soakMaxMs: Math.max(...intervals.map((sample) => sample.soakLagMaxMs)),
    intervals: intervalP99s.length,
    intervalP99sMs: intervalP99s.map((p99) => Math.round(p99 * 100) / 100),
  };
  const percent = (value: number) => `${value.toFixed(1)} %`;
  const breakerRefusals = last.refused.circuit_breaker_open ?? 0;
  const checks: Check[] = [
    {
      name: 'heap growth after warm-up',
      value: percent(heap.growthPct),
      threshold: `< ${THRESHOLDS.maxMemoryGrowthPct} %`,
      ok: heap.growthPct < THRESHOLDS.maxMemoryGrowthPct,
    },
    {
      name: 'RSS growth after warm-up',
      value: percent(rss.growthPct),
      threshold: `< ${THRESHOLDS.maxMemoryGrowthPct} %`,
      ok: rss.growthPct < THRESHOLDS.maxMemoryGrowthPct,
    },
    {
      // A reconnect is a gap in the tape even though nothing sent was dropped: it fails this too.
      name: 'messages lost',
      value: `${lost} (${final.rejected} rejected, ${final.reconnects} reconnect(s))`,
      threshold: `${THRESHOLDS.maxLostMessages}, no reconnect`,
      ok: lost <= THRESHOLDS.maxLostMessages && sent === received && final.reconnects === 0,
    },
    {
      name: 'event-loop delay p99',
      value: `${lag.p99Ms.toFixed(2)} ms`,
      threshold: `< ${THRESHOLDS.maxLagP99Ms} ms`,
      ok: lag.p99Ms < THRESHOLDS.maxLagP99Ms,
    },
    {
      name: 'orders and positions as the simulator has them',
      value: `${consistency.differences.length} difference(s)`,
      threshold: '0',
      ok: consistency.differences.length === 0,
    },
    {
      // The breaker refuses every entry once open: orders early on would not show it.
      name: 'trading on',
      value: `${consistency.engineOrders} order(s), ${consistency.engineFills} fill(s), ${breakerRefusals} refused by the open breaker`,
      threshold: '≥ 1 order, breaker closed',
      ok: consistency.engineOrders > 0 && breakerRefusals === 0,
    },
  ];
  return {
    durationSeconds: seconds,
    warmupSeconds: warmupMs / 1000,
    samples: samples.length,
    rate: {
      requested: inputs.requestedRate,
      sentPerSecond: (last.sent - first.sent) / seconds,
      minIntervalPerSecond,
      receivedPerSecond: (sum(last.received) - sum(first.received)) / seconds,
    },
    lag,
    heap,
    rss,
    messages: { sent, received, lost, byType, rejected: final.rejected, reconnects: final.reconnects },
    refused: last.refused,
    consistency,
    checks,
    pass: checks.every((check) => check.ok),
  };
}
