import { describe, expect, it } from 'vitest';
import type { Consistency, FinalCounts } from '../../../local/soak/soak-figures.ts';
import { memoryGrowth, soakFigures } from '../../../local/soak/soak-figures.ts';
import type { SoakSample } from '../../../local/soak/soak-sample.ts';

const MIB = 1024 * 1024;

function sample(atMs: number, overrides: Partial<SoakSample> = {}): SoakSample {
  return {
    atMs,
    heapUsedBytes: 50 * MIB,
    rssBytes: 200 * MIB,
    lagP99Ms: 1,
    lagMaxMs: 5,
    received: { quote: atMs * 20 },
    rejected: 0,
    reconnects: 0,
    sent: atMs * 20,
    refused: {},
    ordersSent: 0,
    fillsBooked: 0,
    soakLagMaxMs: 0,
    ...overrides,
  };
}

const FLAT = Array.from({ length: 11 }, (_, i) => sample(i * 1000));
const BALANCED: FinalCounts = {
  sent: { quote: 200_000 },
  received: { quote: 200_000 },
  rejected: 0,
  reconnects: 0,
};
const CONSISTENT: Consistency = {
  differences: [],
  engineOrders: 3,
  engineFills: 2,
  openOrders: 1,
  positions: 1,
};

function figures(
  samples: readonly SoakSample[] = FLAT,
  final: FinalCounts = BALANCED,
  consistency: Consistency = CONSISTENT,
) {
  return soakFigures({ samples, warmupMs: 2000, requestedRate: 20_000, final, consistency });
}

const failed = (result: ReturnType<typeof figures>) =>
  result.checks.filter((check) => !check.ok).map((check) => check.name);

describe('Function: soakFigures', () => {
  it('passes a flat, lossless, consistent run and reports the rate it achieved', () => {
    // Act
    const result = figures();
    // Assess
    expect(failed(result)).toStrictEqual([]);
    expect(result.pass).toBe(true);
    expect(result.rate).toStrictEqual({
      requested: 20_000,
      sentPerSecond: 20_000,
      minIntervalPerSecond: 20_000,
      receivedPerSecond: 20_000,
    });
    expect(result.messages).toStrictEqual({
      sent: 200_000,
      received: 200_000,
      lost: 0,
      byType: { quote: { sent: 200_000, received: 200_000 } },
      rejected: 0,
      reconnects: 0,
    });
  });

  it('leaves the warm-up out of the memory growth', () => {
    // Prepare: the heap doubles during the first two seconds, then stays flat.
    const samples = FLAT.map((s) => (s.atMs < 2000 ? { ...s, heapUsedBytes: 25 * MIB } : s));
    // Act / Assess
    expect(figures(samples).heap.growthPct).toBe(0);
  });

  it('misses the memory threshold when the heap grows by 10 % or more after warm-up', () => {
    const samples = FLAT.map((s) => ({ ...s, heapUsedBytes: (50 + s.atMs / 1000) * MIB }));
    const result = figures(samples);
    expect(result.heap.growthPct).toBeGreaterThan(10);
    expect(failed(result)).toStrictEqual(['heap growth after warm-up']);
  });

  it("takes the lag p99 as the worst interval's, leaving out the start-up reading", () => {
    const samples = FLAT.map((s, i) => ({ ...s, lagP99Ms: i === 0 ? 500 : i === 5 ? 12 : 2 }));
    const result = figures(samples);
    expect(result.lag.p99Ms).toBe(12);
    expect(result.lag.medianIntervalP99Ms).toBe(2);
    expect([result.lag.intervalsOver, result.lag.intervals]).toStrictEqual([1, 10]);
    expect(result.lag.intervalsOverMachineStalled).toBe(0);
    expect(failed(result)).toStrictEqual(['event-loop delay p99']);
  });

  it("marks an interval over the threshold in which the soak's own idle loop stalled too, and still fails it", () => {
    const samples = FLAT.map((s, i) => ({
      ...s,
      lagP99Ms: i === 3 || i === 7 ? 15 : 2,
      soakLagMaxMs: i === 3 ? 900 : i === 5 ? 300 : 1,
    }));
    const result = figures(samples);
    expect([result.lag.intervalsOver, result.lag.intervalsOverMachineStalled]).toStrictEqual([2, 1]);
    expect(result.lag.soakMaxMs).toBe(900);
    expect(failed(result)).toStrictEqual(['event-loop delay p99']);
  });

  it.each([
    ['a message not received', { ...BALANCED, received: { quote: 199_999 } }],
    ['a message rejected', { ...BALANCED, rejected: 1 }],
    ['a reconnect', { ...BALANCED, reconnects: 1 }],
  ])('counts %s as loss', (_name, final) => {
    expect(failed(figures(FLAT, final))).toStrictEqual(['messages lost']);
  });

  it('fails trading on when the open breaker refused entries, whatever was traded before', () => {
    const samples = FLAT.map((s) => ({ ...s, refused: { circuit_breaker_open: 12 } }));
    expect(failed(figures(samples))).toStrictEqual(['trading on']);
  });

  it('fails on a difference with the simulator and on a run without orders', () => {
    const difference = {
      kind: 'quantity_mismatch' as const,
      symbol: 'AAPL',
      clientOrderId: null,
      engine: '10',
      broker: '20',
      sources: ['api' as const],
    };
    expect(
      failed(figures(FLAT, BALANCED, { ...CONSISTENT, differences: [difference], engineOrders: 0 })),
    ).toStrictEqual(['orders and positions as the simulator has them', 'trading on']);
  });
});

describe('Function: memoryGrowth', () => {
  it('compares the medians of the first and last fifth, so one GC sawtooth peak does not count', () => {
    const values = [100, 100, 180, 100, 100, 100, 100, 100, 105, 105];
    expect(memoryGrowth(values)).toStrictEqual({
      startBytes: 100,
      endBytes: 105,
      peakBytes: 180,
      growthPct: 5,
    });
  });
});
