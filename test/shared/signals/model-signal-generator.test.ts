/**
 * The signal function scores a window of bars with a fresh pipeline; the engine, when the model
 * runs there, scores the same bars with a pipeline that has seen them all. Both must trade alike.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { FeaturePipeline } from '../../../shared/features/feature-pipeline.ts';
import { loadSignalModel } from '../../../shared/models/load-signal-model.ts';
import { modelSignal } from '../../../shared/signals/model-signal.ts';
import { ModelSignalGenerator } from '../../../shared/signals/model-signal-generator.ts';
import type { Signal } from '../../../shared/signals/signal-message.ts';
import { windowStart } from '../../../shared/signals/window-start.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { randomWalkBars } from '../../support/random-walk-bars.ts';

const SHIPPED = join(import.meta.dirname, '../../../models/xgboost-direction-5m/manifest.json');
const model = loadSignalModel(SHIPPED);
const NOW_MS = 1_800_000_000_000;

/** What the engine computes: one pipeline fed every bar in turn. */
function streamed(bars: readonly Bar[]): (Signal | null)[] {
  const pipeline = new FeaturePipeline(model.featureNames);
  return bars.map((bar) => {
    const features = pipeline.update(bar);
    return features === null ? null : modelSignal('model', model, bar, features, NOW_MS);
  });
}

describe('ModelSignalGenerator', () => {
  const generator = new ModelSignalGenerator('model', ['AAPL'], model);
  // From 09:30 New York for 1,200 minutes: the window crosses into the next New York day.
  const firstMinute = newYorkToUtcMs('2026-11-24', 9 * 60 + 30) / 60_000;
  const bars = randomWalkBars('AAPL', 1_200, 11, firstMinute);
  const expected = streamed(bars);

  it('says nothing until the window covers the features’ warm-up', () => {
    const warmup = new FeaturePipeline(model.featureNames).warmupBars;
    expect(generator.generate('AAPL', bars.slice(0, warmup - 1), NOW_MS)).toBeNull();
    expect(generator.generate('AAPL', bars.slice(0, warmup), NOW_MS)).not.toBeNull();
  });

  it('equals the streamed signal when the window holds the whole history', () => {
    for (const end of [40, 120, 150]) {
      expect(generator.generate('AAPL', bars.slice(0, end), NOW_MS)).toStrictEqual(expected[end - 1]);
    }
  });

  it('gives the streamed direction on every bar from the window the engine sends', () => {
    let largestStrengthGap = 0;
    for (let end = generator.windowBars; end <= bars.length; end++) {
      const start = windowStart(bars.slice(0, end), generator.windowBars);
      const signal = generator.generate('AAPL', bars.slice(start, end), NOW_MS)!;
      const reference = expected[end - 1]!;
      expect(signal.signalId).toBe(reference.signalId);
      expect(signal.direction).toBe(reference.direction);
      largestStrengthGap = Math.max(largestStrengthGap, Math.abs(signal.strength - reference.strength));
    }
    expect(largestStrengthGap).toBeLessThan(0.01);
  });

  it('gives the same signal for a redelivered window', () => {
    const window = bars.slice(100, 100 + generator.windowBars);
    expect(generator.generate('AAPL', window, NOW_MS)).toStrictEqual(
      generator.generate('AAPL', window, NOW_MS),
    );
  });
});
