import { describe, expect, it } from 'vitest';
import { parseLogisticRegression } from '../../../../shared/models/logistic-regression/logistic-regression-model.ts';

const exported = () => ({
  format: 'sklearn-logistic-regression',
  sklearn_version: '1.2.1',
  classes_: [0, 1],
  coef_: [[2, -1]],
  intercept_: [0.5],
  n_features_in_: 2,
  feature_names_in_: ['return_1', 'rsi_14'],
  scaler: { mean_: [1, 10], scale_: [2, 5] },
});

function probability(json: unknown, features: number[]): number {
  const model = parseLogisticRegression(json, 'lr.json');
  const out = new Float64Array(1);
  model.predictInto(Float64Array.from(features), out);
  return out[0]!;
}

describe('Function: parseLogisticRegression', () => {
  it('gives P(classes_[1]) of the standardised features', () => {
    // z = 0.5 + 2·(3 − 1)/2 − 1·(20 − 10)/5 = 0.5
    expect(probability(exported(), [3, 20])).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 15);
  });

  it('reads raw features when the export has no scaler', () => {
    const { scaler: _, ...json } = exported();
    expect(probability(json, [1, 1])).toBeCloseTo(1 / (1 + Math.exp(-1.5)), 15);
  });

  it('records the feature names the export carries', () => {
    expect(parseLogisticRegression(exported(), 'lr.json').featureNames).toStrictEqual(['return_1', 'rsi_14']);
  });

  it.each<[string, (json: ReturnType<typeof exported>) => unknown, string]>([
    [
      'a multinomial model',
      (json) => ({ ...json, classes_: [0, 1, 2] }),
      'lr.json: classes_: only binary models are supported, this one has 3 classes',
    ],
    [
      'a coefficient count that disagrees',
      (json) => ({ ...json, coef_: [[1, 2, 3]] }),
      'lr.json: coef_[0]: has 3 coefficients but n_features_in_ is 2',
    ],
    [
      'two intercepts',
      (json) => ({ ...json, intercept_: [1, 2] }),
      'lr.json: intercept_: a binary model has 1 intercept, got 2',
    ],
    [
      'a zero scale',
      (json) => ({ ...json, scaler: { mean_: [0, 0], scale_: [1, 0] } }),
      'lr.json: scaler.scale_[1]: a scale of 0 would divide by zero',
    ],
    [
      'a scaler of the wrong length',
      (json) => ({ ...json, scaler: { mean_: [0], scale_: [1, 1] } }),
      'lr.json: scaler.mean_: has 1 entries but n_features_in_ is 2',
    ],
    [
      'another format',
      (json) => ({ ...json, format: 'onnx' }),
      'lr.json: format: expected "sklearn-logistic-regression", got "onnx"',
    ],
    [
      'a coefficient that is not a number',
      (json) => ({ ...json, coef_: [[1, 'x']] }),
      'lr.json: coef_[0][1]: Invalid input: expected number, received string',
    ],
  ])('refuses %s', (_what, breakIt, message) => {
    expect(() => parseLogisticRegression(breakIt(exported()), 'lr.json')).toThrow(message);
  });
});
