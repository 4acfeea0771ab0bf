/**
 * A model whose answers a test can work out by hand: a logistic regression on the last bar's
 * return alone, P(up) = 1 / (1 + e^(−1000 · return_1)). A close 0.4 % up scores 0.98 (long at
 * full strength), 0.4 % down 0.02 (short at full strength), unchanged 0.5 (flat).
 */
import { parseSignalModel, type SignalModel } from '../../shared/models/signal-model.ts';

export function returnModel(): SignalModel {
  return parseSignalModel(
    {
      manifestVersion: 1,
      modelVersion: 'return-test-1',
      kind: 'logistic-regression',
      file: 'model.json',
      objective: 'binary:logistic',
      features: ['return_1'],
      signal: { longAbove: 0.55, shortBelow: 0.45, fullLongAt: 0.7, fullShortAt: 0.3 },
    },
    {
      format: 'sklearn-logistic-regression',
      classes_: [0, 1],
      coef_: [[1000]],
      intercept_: [0],
      n_features_in_: 1,
      feature_names_in_: ['return_1'],
    },
    'return-model/manifest.json',
  );
}
