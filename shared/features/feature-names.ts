/**
 * The features the pipeline computes from minute bars, each named with its parameters. All are
 * returns, ratios or bounded oscillators, never raw prices, so a model trained on one symbol
 * reads another. docs/models.md defines each one.
 */
export const FEATURE_NAMES = [
  'return_1',
  'return_5',
  'return_15',
  'rsi_14',
  'sma_ratio_5_20',
  'bollinger_percent_b_20',
  'atr_percent_14',
  'macd_histogram_percent_12_26_9',
  'zscore_close_20',
  'volume_zscore_20',
  'stochastic_k_14',
  'adx_14',
  'vwap_deviation',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

const PRODUCIBLE = new Set<string>(FEATURE_NAMES);

/** Why the pipeline cannot produce these features, or undefined when it can produce them all. */
export function unknownFeaturesProblem(names: readonly string[]): string | undefined {
  const unknown = names.filter((name) => !PRODUCIBLE.has(name));
  return unknown.length === 0
    ? undefined
    : `the feature pipeline cannot produce ${unknown.join(', ')} (it produces ${FEATURE_NAMES.join(', ')})`;
}
