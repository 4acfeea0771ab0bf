/**
 * Streaming features of one symbol's minute bars, in the order a model takes them. Pure: bars in,
 * a row of numbers out, no allocation per bar.
 */
import type { Bar } from '../domain/market-data.ts';
import { type BarFeature, FEATURE_DEFINITIONS } from './bar-features.ts';
import { type FeatureName, unknownFeaturesProblem } from './feature-names.ts';

export { FEATURE_NAMES } from './feature-names.ts';

export class FeaturePipeline {
  readonly featureNames: readonly string[];
  /** Bars until `update` first returns a row: the longest warm-up among the features. */
  readonly warmupBars: number;
  readonly #features: readonly BarFeature[];
  readonly #row: Float64Array;

  /** Throws a RangeError naming every feature it cannot produce. */
  constructor(featureNames: readonly string[]) {
    const problem = unknownFeaturesProblem(featureNames);
    if (problem !== undefined) throw new RangeError(problem);
    const definitions = featureNames.map((name) => FEATURE_DEFINITIONS[name as FeatureName]);
    this.featureNames = Object.freeze([...featureNames]);
    this.warmupBars = Math.max(0, ...definitions.map((definition) => definition.warmupBars));
    this.#features = definitions.map((definition) => definition.create());
    this.#row = new Float64Array(featureNames.length);
  }

  /**
   * Adds a bar (or, with `replace`, corrects the latest one, as Alpaca's updated bars do) and
   * returns the features, or null while any is warming up. The returned array is the same one on
   * every call, overwritten by the next update. A bar with a non-finite or negative price or
   * volume is ignored: nothing changes and the result is null. A feature whose formula divides by
   * zero (a flat window) is NaN, which models read as a missing value.
   */
  update(bar: Bar, replace = false): Float64Array | null {
    if (!isUsable(bar)) return null;
    const row = this.#row;
    const features = this.#features;
    let ready = true;
    for (let i = 0; i < features.length; i++) {
      const value = features[i]!.update(bar, replace);
      if (value === null) ready = false;
      else row[i] = value;
    }
    return ready ? row : null;
  }

  reset(): void {
    for (const feature of this.#features) feature.reset();
  }
}

const isPrice = (x: number): boolean => x > 0 && x < Number.POSITIVE_INFINITY;

function isUsable(bar: Bar): boolean {
  return (
    isPrice(bar.open) &&
    isPrice(bar.high) &&
    isPrice(bar.low) &&
    isPrice(bar.close) &&
    bar.volume >= 0 &&
    bar.volume < Number.POSITIVE_INFINITY &&
    Number.isFinite(bar.startUs)
  );
}
