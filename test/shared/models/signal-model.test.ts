import { describe, expect, it } from 'vitest';
import { parseSignalModel } from '../../../shared/models/signal-model.ts';
import { STUMP, TWO_LEVEL, xgboostJson } from './xgboost/xgboost-json-builder.ts';

const manifest = () => ({
  manifestVersion: 1,
  modelVersion: 'test-1',
  kind: 'xgboost',
  file: 'model.json',
  objective: 'binary:logistic',
  features: ['return_1', 'rsi_14'],
  signal: { longAbove: 0.55, shortBelow: 0.45, fullLongAt: 0.75, fullShortAt: 0.25 } as Record<
    string,
    unknown
  >,
});
const binary = () => xgboostJson({ objective: 'binary:logistic', trees: [STUMP, TWO_LEVEL] });
const softprob = () =>
  xgboostJson({
    objective: 'multi:softprob',
    trees: [STUMP, TWO_LEVEL, STUMP],
    treeInfo: [0, 1, 2],
    numClass: 3,
  });

describe('Function: parseSignalModel', () => {
  it('scores with the model and maps the score as the manifest says', () => {
    const model = parseSignalModel(manifest(), binary(), 'models/m/manifest.json');
    const features = Float64Array.of(0.7, -2);
    const p = 1 / (1 + Math.exp(-Math.fround(0.75 + 0.5)));
    expect(model.modelVersion).toBe('test-1');
    expect(model.featureNames).toStrictEqual(['return_1', 'rsi_14']);
    expect(model.predict(features)).toBeCloseTo(p, 7);
    expect(model.signal(features)).toStrictEqual({
      direction: 'long',
      strength: 1,
      confidence: expect.closeTo(2 * p - 1, 7),
      score: model.predict(features),
    });
  });

  it('scores multi:softprob as P(long classes) − P(short classes)', () => {
    const json = { ...manifest(), objective: 'multi:softprob' };
    json.signal = {
      longAbove: 0.1,
      shortBelow: -0.1,
      fullLongAt: 0.5,
      fullShortAt: -0.5,
      classDirections: ['short', 'flat', 'long'],
    };
    const model = parseSignalModel(json, softprob(), 'manifest.json');
    const features = Float64Array.of(0.7, -2);
    const out = new Float64Array(3);
    model.model.predictInto(features, out);
    expect(model.predict(features)).toBeCloseTo(out[2]! - out[0]!, 15);
  });

  describe('rejections name the file, the path and the problem', () => {
    it.each<[string, (json: ReturnType<typeof manifest>) => unknown, unknown, string]>([
      [
        'features the pipeline cannot produce',
        (json) => ({ ...json, features: ['return_1', 'moon_phase'] }),
        binary(),
        'manifest.json: features: the feature pipeline cannot produce moon_phase (it produces return_1,',
      ],
      [
        'a feature count the model does not take',
        (json) => ({ ...json, features: ['return_1', 'rsi_14', 'adx_14'] }),
        binary(),
        'manifest.json: features: lists 3 features but the model takes 2',
      ],
      [
        'an objective other than the model file’s',
        (json) => ({ ...json, objective: 'reg:squarederror' }),
        binary(),
        "manifest.json: objective: says reg:squarederror but the model file's objective is binary:logistic",
      ],
      [
        'an unsupported objective',
        (json) => ({ ...json, objective: 'survival:cox' }),
        binary(),
        'manifest.json: objective: unsupported objective "survival:cox" (supported: binary:logistic, reg:squarederror, multi:softprob)',
      ],
      [
        'feature names in another order than the model file’s',
        (json) => ({ ...json, features: ['rsi_14', 'return_1'] }),
        xgboostJson({ objective: 'binary:logistic', trees: [STUMP], featureNames: ['return_1', 'rsi_14'] }),
        'manifest.json: features[0]: is "rsi_14" but the model file names feature 0 "return_1"',
      ],
      [
        'thresholds out of order',
        (json) => ({
          ...json,
          signal: { longAbove: 0.4, shortBelow: 0.45, fullLongAt: 0.75, fullShortAt: 0.25 },
        }),
        binary(),
        'manifest.json: signal.longAbove: must be ≥ shortBelow (0.45), got 0.4',
      ],
      [
        'a full-strength score no probability reaches',
        (json) => ({
          ...json,
          signal: { longAbove: 0.55, shortBelow: 0.45, fullLongAt: 1.5, fullShortAt: 0.25 },
        }),
        binary(),
        'manifest.json: signal.fullLongAt: 1.5 is above the highest score, 1',
      ],
      [
        'class directions on a binary model',
        (json) => ({ ...json, signal: { ...json.signal, classDirections: ['short', 'long'] } }),
        binary(),
        'manifest.json: signal.classDirections: only multi:softprob has classes, not binary:logistic',
      ],
      [
        'multi:softprob without class directions',
        (json) => ({
          ...json,
          objective: 'multi:softprob',
          signal: { longAbove: 0.1, shortBelow: -0.1, fullLongAt: 0.5, fullShortAt: -0.5 },
        }),
        softprob(),
        'manifest.json: signal.classDirections: multi:softprob needs the direction of each class',
      ],
      [
        'an unknown key',
        (json) => ({ ...json, threshold: 0.5 }),
        binary(),
        'manifest.json: Unrecognized key: "threshold"',
      ],
      [
        'another manifest version',
        (json) => ({ ...json, manifestVersion: 2 }),
        binary(),
        'manifest.json: manifestVersion: unsupported manifest version 2 (supported: 1)',
      ],
      [
        'a malformed model file, naming that file',
        (json) => json,
        (() => {
          const model = binary();
          model.learner.gradient_booster.model.trees[0]!.left_children[0] = 7;
          return model;
        })(),
        'model.json: learner.gradient_booster.model.trees[0].left_children[0]: child index 7 is out of range',
      ],
    ])('refuses %s', (_what, change, model, message) => {
      expect(() => parseSignalModel(change(manifest()), model, 'manifest.json')).toThrow(message);
    });
  });
});
