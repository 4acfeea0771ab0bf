/**
 * The benchmark harness: latency histograms (hdr-histogram-js) after a warm-up, and throughput.
 * Benchmarks report; they never fail a test run. Names are stable so results compare across
 * commits.
 */
import * as hdr from 'hdr-histogram-js';

export interface BenchmarkResult {
  readonly name: string;
  readonly unit: 'us';
  /** Samples in the histogram. */
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly ops_per_s: number;
}

export interface RunOptions {
  /** Scales iteration counts; tests use a small factor to exercise benchmarks cheaply. */
  readonly scale: number;
}

export interface Benchmark {
  readonly name: string;
  execute(options: RunOptions): Promise<BenchmarkResult>;
}

export class LatencyRecorder {
  readonly #histogram = hdr.build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  recordNs(nanoseconds: number): void {
    this.#histogram.recordValue(Math.max(0, Math.round(nanoseconds)));
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  result(name: string, opsPerSecond: number): BenchmarkResult {
    // HDR reports a bucket's highest equivalent value, which can exceed the true maximum.
    const max = this.#histogram.maxValue;
    const us = (ns: number): number => Math.round(Math.min(ns, max)) / 1000;
    return {
      name,
      unit: 'us',
      n: this.#histogram.totalCount,
      p50: us(this.#histogram.getValueAtPercentile(50)),
      p99: us(this.#histogram.getValueAtPercentile(99)),
      p999: us(this.#histogram.getValueAtPercentile(99.9)),
      max: us(max),
      ops_per_s: Math.round(opsPerSecond),
    };
  }
}

export interface LatencySpec<State> {
  readonly name: string;
  readonly iterations: number;
  readonly warmup: number;
  /**
   * Operations timed per sample. Use more than 1 only for operations near the timer's own cost
   * (~30 ns); a sample is then the mean of `batch` calls, which hides tail within a batch.
   */
  readonly batch?: number;
  setup(): State | Promise<State>;
  /** One operation; `i` lets it vary the input. Return a value so the work is not optimised away. */
  op(state: State, i: number): unknown;
  /**
   * Work that follows the operation off its path (what the engine defers to the next event-loop
   * turn): run after each sample, untimed in the latency pass, timed in the throughput pass. Its
   * garbage and cache effects still reach the timed operations, as they would in the engine.
   */
  afterOp?(state: State, i: number): void;
  teardown?(state: State): void | Promise<void>;
}

let sink: unknown;

/** Reads the sink so the optimiser cannot prove benchmark results unused. */
export function benchmarkSink(): unknown {
  return sink;
}

export function latencyBenchmark<State>(spec: LatencySpec<State>): Benchmark {
  return {
    name: spec.name,
    async execute({ scale }): Promise<BenchmarkResult> {
      const state = await spec.setup();
      const batch = spec.batch ?? 1;
      const iterations = Math.max(batch, Math.floor(spec.iterations * scale));
      const warmup = Math.max(batch, Math.floor(spec.warmup * scale));
      try {
        const after = spec.afterOp;
        for (let i = 0; i < warmup; i++) {
          sink = spec.op(state, i);
          after?.(state, i);
        }
        const recorder = new LatencyRecorder();
        for (let i = 0; i < iterations; i += batch) {
          const start = performance.now();
          for (let j = 0; j < batch; j++) sink = spec.op(state, i + j);
          recorder.recordNs(((performance.now() - start) * 1e6) / batch);
          if (after !== undefined) for (let j = 0; j < batch; j++) after(state, i + j);
        }
        // Throughput from an untimed pass, so the timer's own cost does not count against it.
        const start = performance.now();
        for (let i = 0; i < iterations; i++) {
          sink = spec.op(state, i);
          after?.(state, i);
        }
        const seconds = (performance.now() - start) / 1000;
        return recorder.result(spec.name, iterations / seconds);
      } finally {
        await spec.teardown?.(state);
      }
    },
  };
}

export interface ThroughputRun {
  readonly operations: number;
  readonly seconds: number;
  readonly latencies: LatencyRecorder;
}

/** For benchmarks that drive their own loop (sockets, pipelines) and record per-item latency. */
export function throughputBenchmark(
  name: string,
  run: (options: RunOptions) => Promise<ThroughputRun>,
): Benchmark {
  return {
    name,
    async execute(options): Promise<BenchmarkResult> {
      const { operations, seconds, latencies } = await run(options);
      return latencies.result(name, operations / seconds);
    },
  };
}
