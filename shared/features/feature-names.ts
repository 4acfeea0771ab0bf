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
