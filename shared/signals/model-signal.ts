/** A model's verdict on a symbol's latest closed bar, as the signal the engine trades on. */
import type { Bar } from '../domain/market-data.ts';
import type { SignalModel } from '../models/signal-model.ts';
import { SIGNAL_MESSAGE_VERSION, type Signal, signalId } from './signal-message.ts';

export function modelSignal(
  strategyId: string,
  model: SignalModel,
  bar: Bar,
  features: Float64Array,
  nowMs: number,
): Signal {
  const { direction, strength, confidence } = model.signal(features);
  return {
    version: SIGNAL_MESSAGE_VERSION,
    signalId: signalId(strategyId, bar.symbol, bar.startUs),
    strategyId,
    symbol: bar.symbol,
    barStartUs: bar.startUs,
    generatedAtMs: nowMs,
    direction,
    strength,
    confidence,
    referencePrice: bar.close,
    modelVersion: model.modelVersion,
  };
}
