import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXGBoostModel } from '../../../../shared/models/xgboost/xgboost-model.ts';
import { STUMP, TWO_LEVEL, xgboostJson } from './xgboost-json-builder.ts';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

function setAt(root: object, path: readonly (string | number)[], value: unknown): void {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path.at(-1)!] = value;
}

function predict(json: unknown, features: number[]): number[] {
  const model = parseXGBoostModel(json, 'model.json');
  const out = new Float64Array(model.outputCount);
  model.predictInto(Float64Array.from(features), out);
  return [...out];
}

describe('Function: parseXGBoostModel', () => {
  describe('prediction', () => {
    it.each([
      { features: [0.2, 0], margin: -0.25 - 0.5 },
      { features: [0.05, 0], margin: -0.25 + 0.125 },
      { features: [0.7, 0], margin: 0.75 - 0.5 },
      { features: [0.7, -2], margin: 0.75 + 0.5 },
      { features: [Number.NaN, 0], margin: 0.75 + 0.125, why: 'missing feature 0 follows each default side' },
      { features: [0.2, Number.NaN], margin: -0.25 + 0.5, why: 'missing feature 1 goes left' },
    ])('reg:squarederror sums base score and leaves: $features', ({ features, margin }) => {
      const json = xgboostJson({
        objective: 'reg:squarederror',
        trees: [STUMP, TWO_LEVEL],
        baseScore: '1E0',
      });
      expect(predict(json, features)).toStrictEqual([1 + margin]);
    });

    it('binary:logistic starts from the logit of base_score and applies the sigmoid', () => {
      const json = xgboostJson({ objective: 'binary:logistic', trees: [STUMP], baseScore: '2E-1' });
      const baseMargin = Math.fround(Math.log(0.2 / 0.8));
      const [p] = predict(json, [0.7, 0]);
      expect(p).toBeCloseTo(sigmoid(Math.fround(baseMargin + Math.fround(0.75))), 15);
    });

    it('compares features as float32, as XGBoost does', () => {
      const json = xgboostJson({ objective: 'reg:squarederror', trees: [STUMP], baseScore: '0E0' });
      // Below 0.5 in float64, but rounds to 0.5 in float32: XGBoost sends it right.
      const justBelow = 0.5 - 1e-12;
      expect(Math.fround(justBelow)).toBe(0.5);
      expect(predict(json, [justBelow, 0])).toStrictEqual([0.75]);
    });

    it('multi:softprob sums each class its own trees and normalises with softmax', () => {
      const json = xgboostJson({
        objective: 'multi:softprob',
        trees: [STUMP, TWO_LEVEL, STUMP],
        treeInfo: [0, 1, 2],
        numClass: 3,
      });
      const out = predict(json, [0.7, -2]);
      const margins = [0.5 + 0.75, 0.5 + 0.5, 0.5 + 0.75];
      const total = margins.reduce((sum, m) => sum + Math.exp(m), 0);
      margins.forEach((m, k) => {
        expect(out[k]).toBeCloseTo(Math.exp(m) / total, 15);
      });
    });

    it('gives probabilities that sum to 1 for any features, missing ones included', () => {
      const model = parseXGBoostModel(
        xgboostJson({
          objective: 'multi:softprob',
          trees: [STUMP, TWO_LEVEL],
          treeInfo: [0, 1],
          numClass: 2,
        }),
        'model.json',
      );
      const feature = fc.oneof(fc.double({ noNaN: false }), fc.constant(Number.NaN));
      fc.assert(
        fc.property(feature, feature, (a, b) => {
          const out = new Float64Array(2);
          model.predictInto(Float64Array.of(a, b), out);
          expect(out[0]! + out[1]!).toBeCloseTo(1, 12);
          expect(Math.min(out[0]!, out[1]!)).toBeGreaterThanOrEqual(0);
        }),
      );
    });

    it('refuses a row of the wrong length', () => {
      const model = parseXGBoostModel(xgboostJson({ objective: 'reg:squarederror', trees: [STUMP] }), 'm');
      expect(() => model.predictInto(new Float64Array(3), new Float64Array(1))).toThrow(
        'expected 2 features, got 3',
      );
    });
  });

  describe('rejections name the file, the path and the problem', () => {
    const TREES = ['gradient_booster', 'model', 'trees'];
    it.each<[string, readonly (string | number)[], unknown, string]>([
      [
        'an unsupported objective',
        ['objective', 'name'],
        'rank:pairwise',
        'model.json: learner.objective.name: unsupported objective "rank:pairwise" (supported: binary:logistic, reg:squarederror, multi:softprob)',
      ],
      [
        'an unsupported booster',
        ['gradient_booster', 'name'],
        'dart',
        'model.json: learner.gradient_booster.name: unsupported booster "dart" (supported: gbtree)',
      ],
      [
        'node arrays of different lengths',
        [...TREES, 1, 'split_indices'],
        [1, 0, 0, 0],
        'model.json: learner.gradient_booster.model.trees[1].split_indices: has 4 entries but tree_param.num_nodes says 5',
      ],
      [
        'a child index out of range',
        [...TREES, 1, 'right_children', 2],
        9,
        'model.json: learner.gradient_booster.model.trees[1].right_children[2]: child index 9 is out of range (the tree has 5 nodes',
      ],
      [
        'a cycle',
        [...TREES, 1, 'right_children', 2],
        2,
        'model.json: learner.gradient_booster.model.trees[1].left_children: node 2 is reachable twice (a cycle or a shared subtree)',
      ],
      [
        'a node reachable twice',
        [...TREES, 0, 'right_children', 0],
        1,
        'model.json: learner.gradient_booster.model.trees[0].left_children: node 1 is reachable twice',
      ],
      [
        'a node with one child',
        [...TREES, 0, 'right_children', 0],
        -1,
        'trees[0].right_children[0]: child index -1 is out of range',
      ],
      [
        'a split on a feature the model does not have',
        [...TREES, 1, 'split_indices', 2],
        2,
        'model.json: learner.gradient_booster.model.trees[1].split_indices[2]: splits on feature 2 but the model has 2 features',
      ],
      [
        'a value beyond float32',
        [...TREES, 0, 'split_conditions', 1],
        1e39,
        'model.json: learner.gradient_booster.model.trees[0].split_conditions[1]: 1e+39 is not a finite float32',
      ],
      [
        'a categorical split',
        [...TREES, 0, 'split_type', 0],
        1,
        'trees[0].split_type[0]: categorical splits are not supported',
      ],
      [
        'a tree count that disagrees',
        ['gradient_booster', 'model', 'gbtree_model_param', 'num_trees'],
        '3',
        'model.json: learner.gradient_booster.model.gbtree_model_param.num_trees: says 3 trees but the model has 2',
      ],
      [
        'a tree for a class the model does not have',
        ['gradient_booster', 'model', 'tree_info', 1],
        1,
        'model.json: learner.gradient_booster.model.tree_info[1]: output group 1 is out of range (the model has 1)',
      ],
      [
        'a base score that is no number',
        ['learner_model_param', 'base_score'],
        'half',
        'model.json: learner.learner_model_param.base_score: must be a finite number written as a string',
      ],
      [
        'a missing key',
        [...TREES, 0, 'default_left'],
        undefined,
        'model.json: learner.gradient_booster.model.trees[0].default_left: required key is missing (array)',
      ],
      [
        'a list where a number belongs',
        [...TREES, 0, 'split_conditions', 0],
        [0.5],
        'model.json: learner.gradient_booster.model.trees[0].split_conditions[0]: Invalid input: expected number, received array',
      ],
      [
        'feature names that disagree with the feature count',
        ['feature_names'],
        ['a', 'b', 'c'],
        'model.json: learner.feature_names: names 3 features but num_feature is 2',
      ],
    ])('refuses %s', (_what, path, value, message) => {
      const json = xgboostJson({ objective: 'binary:logistic', trees: [STUMP, TWO_LEVEL] });
      setAt(json.learner, path, value);
      expect(() => parseXGBoostModel(json, 'model.json')).toThrow(message);
    });

    it('refuses multi:softprob with fewer than 2 classes', () => {
      const json = xgboostJson({ objective: 'multi:softprob', trees: [STUMP], numClass: 1 });
      expect(() => parseXGBoostModel(json, 'm.json')).toThrow(
        'm.json: learner.learner_model_param.num_class: multi:softprob needs at least 2 classes, got 1',
      );
    });

    it('refuses something that is not a model at all', () => {
      expect(() => parseXGBoostModel([1, 2], 'm.json')).toThrow(
        'm.json: Invalid input: expected object, received array',
      );
    });
  });
});
