/**
 * The model-driven strategy's half that runs in the signal function: a window of closed bars is
 * replayed through a fresh feature pipeline and the model scores the last bar. Stateless between
 * windows, so a redelivered window gives the same signal on any instance.
 */
import type { Bar } from '../domain/market-data.ts';
import { FeaturePipeline } from '../features/feature-pipeline.ts';
import type { SignalModel } from '../models/signal-model.ts';
import type { BarWindowSignalGenerator } from './bar-window-signal-generator.ts';
import { modelSignal } from './model-signal.ts';
import type { Signal } from './signal-message.ts';

/**
 * Exponential features (EMA, Wilder's smoothing) remember every bar; a replayed window matches the
 * engine's running values once the seed's weight has decayed. With the slowest smoothing in the
 * pipeline (26-bar EMA, weight 25/27 per bar) 150 bars leave it at 1e-5, four warm-ups at least.
 */
const MINIMUM_WINDOW_BARS = 150;

/** Closed bars a window must hold for a model whose features warm up in `warmupBars`. */
export function modelWindowBars(warmupBars: number): number {
  return Math.max(MINIMUM_WINDOW_BARS, 4 * warmupBars);
}

export class ModelSignalGenerator implements BarWindowSignalGenerator {
  readonly strategyId: string;
  readonly symbols: readonly string[];
  readonly windowBars: number;
  readonly #model: SignalModel;
  readonly #pipeline: FeaturePipeline;

  constructor(strategyId: string, symbols: readonly string[], model: SignalModel) {
    this.strategyId = strategyId;
    this.symbols = symbols;
    this.#model = model;
    this.#pipeline = new FeaturePipeline(model.featureNames);
    this.windowBars = modelWindowBars(this.#pipeline.warmupBars);
  }

  generate(_symbol: string, bars: readonly Bar[], nowMs: number): Signal | null {
    const pipeline = this.#pipeline;
    pipeline.reset();
    let features: Float64Array | null = null;
    for (const bar of bars) features = pipeline.update(bar);
    const last = bars.at(-1);
    if (features === null || last === undefined) return null;
    return modelSignal(this.strategyId, this.#model, last, features, nowMs);
  }
}
