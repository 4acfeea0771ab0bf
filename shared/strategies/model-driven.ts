/**
 * The model-driven strategy: closed minute bars → features → model → signal → target position.
 * The model decides the direction and strength; the position it leads to is at most
 * `maxPositionNotional` (see position-target.ts for how a signal becomes an order).
 *
 * It runs in one of two places, with the same code either way:
 * - `signal-function`: the engine sends bar windows over SQS; the signal function scores them
 *   (shared/signals/model-signal-generator.ts) and this strategy trades the signals that come back.
 * - `engine`: the engine scores each closed bar itself, with one streaming feature pipeline per
 *   symbol, and trades at once.
 */
import { z } from 'zod';
import type { Bar } from '../domain/market-data.ts';
import { FeaturePipeline } from '../features/feature-pipeline.ts';
import type { SignalModel } from '../models/signal-model.ts';
import { modelSignal } from '../signals/model-signal.ts';
import type { Signal } from '../signals/signal-message.ts';
import { submitBarOrder } from './bar-order.ts';
import { barStep } from './bar-sequence.ts';
import { quantityForNotional } from './order-sizing.ts';
import { orderTowardTarget, type PositionTargetOptions, targetQuantity } from './position-target.ts';
import type { Strategy, StrategyContext } from './strategy.ts';

export const MODEL_RUNS_IN = ['signal-function', 'engine'] as const;
export type ModelRunsIn = (typeof MODEL_RUNS_IN)[number];

/** The strategy's parameters in the config (beside `type`, `id` and `symbols`). */
export const modelDrivenParameters = {
  /** The model's manifest (docs/models.md), relative to the system config file's folder. */
  manifest: z.string().min(1),
  runsIn: z.enum(MODEL_RUNS_IN).default('signal-function'),
  /** Signals less confident than this are not traded. */
  minConfidence: z.number().min(0).max(1).default(0),
  /** The smallest change of position worth an order, as a share of the largest position. */
  rebalanceFraction: z.number().gt(0).max(1).default(0.25),
  allowShort: z.boolean().default(false),
};

export interface ModelDrivenOptions extends PositionTargetOptions {
  readonly id: string;
  readonly symbols: readonly string[];
  readonly model: SignalModel;
  readonly runsIn: ModelRunsIn;
  readonly minConfidence: number;
}

interface SymbolFeatures {
  readonly pipeline: FeaturePipeline;
  lastBarStartUs: number;
}

export class ModelDriven implements Strategy {
  readonly id: string;
  readonly symbols: readonly string[];
  /** Only where the strategy scores bars itself. */
  readonly onBar?: (bar: Bar, context: StrategyContext) => void;
  /** Only where the signal function scores them; the engine then sends this strategy's bars out. */
  readonly onSignal?: (signal: Signal, context: StrategyContext) => void;
  readonly #options: ModelDrivenOptions;
  readonly #features = new Map<string, SymbolFeatures>();

  constructor(options: ModelDrivenOptions) {
    if (!(options.rebalanceFraction > 0 && options.rebalanceFraction <= 1)) {
      throw new RangeError('the rebalance fraction must lie in (0, 1]');
    }
    this.id = options.id;
    this.symbols = options.symbols;
    this.#options = options;
    // Fails here, not on the first bar, when the model needs a feature the pipeline lacks.
    new FeaturePipeline(options.model.featureNames);
    if (options.runsIn === 'engine') this.onBar = (bar, context) => this.#score(bar, context);
    else this.onSignal = (signal, context) => this.#follow(signal, context);
  }

  #score(bar: Bar, context: StrategyContext): void {
    let state = this.#features.get(bar.symbol);
    if (state === undefined) {
      state = {
        pipeline: new FeaturePipeline(this.#options.model.featureNames),
        lastBarStartUs: Number.NEGATIVE_INFINITY,
      };
      this.#features.set(bar.symbol, state);
    }
    const step = barStep(bar, state.lastBarStartUs);
    if (step === 'skip') return;
    state.lastBarStartUs = bar.startUs;
    const features = state.pipeline.update(bar, step === 'replace');
    if (features === null) return;
    this.#follow(modelSignal(this.id, this.#options.model, bar, features, context.nowMs()), context);
  }

  #follow(signal: Signal, context: StrategyContext): void {
    const options = this.#options;
    if (signal.confidence < options.minConfidence) return;
    const { symbol, referencePrice } = signal;
    const target = targetQuantity(symbol, signal.direction, signal.strength, referencePrice, options);
    const largest = quantityForNotional(symbol, options.maxPositionNotional, referencePrice);
    const order = orderTowardTarget(context.exposureQty(symbol), target, largest, options.rebalanceFraction);
    if (order === null) return;
    const bar = { symbol, startUs: signal.barStartUs, close: referencePrice };
    submitBarOrder(this.id, bar, order.side, order.qty, order.purpose, context);
  }
}
