/**
 * Prediction with an XGBoost model as XGBoost's own CPU predictor does it: features compared as
 * float32 (`x < threshold` goes left, a missing value follows the split's default side), each
 * output group's margin summed in float32 from the base margin, tree by tree, then the
 * objective's transform (sigmoid, identity, softmax).
 */
import { ModelError, parseModelJson } from '../model-error.ts';
import type { Objective, TrainedModel } from '../trained-model.ts';
import { flattenTrees, type TreeForest } from './tree-forest.ts';
import { type XGBoostModelJson, xgboostModelSchema } from './xgboost-json-schema.ts';

/** Validates an XGBoost JSON model (already parsed from its file); throws a ModelError naming the problem. */
export function parseXGBoostModel(json: unknown, source: string): TrainedModel {
  const model = parseModelJson(xgboostModelSchema, json, source);
  const { learner } = model;
  const params = learner.learner_model_param;
  const objective = learner.objective.name;
  const booster = learner.gradient_booster.model;
  const refuse = (path: string, problem: string): never => {
    throw new ModelError(source, [{ path, problem }]);
  };
  if ((params.num_target ?? 1) > 1)
    refuse('learner.learner_model_param.num_target', 'multi-target models are not supported');
  const groups = objective === 'multi:softprob' ? params.num_class : 1;
  if (objective === 'multi:softprob' && groups < 2)
    refuse('learner.learner_model_param.num_class', `multi:softprob needs at least 2 classes, got ${groups}`);
  if (objective !== 'multi:softprob' && params.num_class > 1)
    refuse(
      'learner.learner_model_param.num_class',
      `${objective} has one output, but num_class is ${params.num_class}`,
    );
  if (booster.gbtree_model_param.num_trees !== booster.trees.length)
    refuse(
      'learner.gradient_booster.model.gbtree_model_param.num_trees',
      `says ${booster.gbtree_model_param.num_trees} trees but the model has ${booster.trees.length}`,
    );
  if (booster.tree_info.length !== booster.trees.length)
    refuse(
      'learner.gradient_booster.model.tree_info',
      `has ${booster.tree_info.length} entries for ${booster.trees.length} trees`,
    );
  const badGroup = booster.tree_info.findIndex((group) => group >= groups);
  if (badGroup >= 0)
    refuse(
      `learner.gradient_booster.model.tree_info[${badGroup}]`,
      `output group ${booster.tree_info[badGroup]} is out of range (the model has ${groups})`,
    );
  const names = learner.feature_names;
  if (names !== undefined && names.length > 0 && names.length !== params.num_feature)
    refuse(
      'learner.feature_names',
      `names ${names.length} features but num_feature is ${params.num_feature}`,
    );
  if (objective === 'binary:logistic' && !(params.base_score > 0 && params.base_score < 1))
    refuse(
      'learner.learner_model_param.base_score',
      `binary:logistic needs a probability in (0, 1), got ${params.base_score}`,
    );
  const forest = flattenTrees(booster.trees, params.num_feature, source, [
    'learner',
    'gradient_booster',
    'model',
    'trees',
  ]);
  return new XGBoostModel(model, objective, groups, forest);
}

class XGBoostModel implements TrainedModel {
  readonly objective: Objective;
  readonly featureCount: number;
  readonly featureNames: readonly string[] | undefined;
  readonly outputCount: number;
  readonly #forest: TreeForest;
  readonly #groups: Int32Array;
  readonly #baseMargin: number;
  readonly #row: Float32Array;

  constructor(model: XGBoostModelJson, objective: Objective, groups: number, forest: TreeForest) {
    const params = model.learner.learner_model_param;
    const names = model.learner.feature_names;
    this.objective = objective;
    this.featureCount = params.num_feature;
    this.featureNames = names === undefined || names.length === 0 ? undefined : Object.freeze([...names]);
    this.outputCount = groups;
    this.#forest = forest;
    this.#groups = Int32Array.from(model.learner.gradient_booster.model.tree_info);
    // binary:logistic keeps base_score as a probability; its margin is the logit.
    const base = params.base_score;
    this.#baseMargin = Math.fround(objective === 'binary:logistic' ? -Math.log(1 / base - 1) : base);
    this.#row = new Float32Array(params.num_feature);
  }

  predictInto(features: Float64Array, out: Float64Array): void {
    const row = this.#row;
    if (features.length !== row.length)
      throw new RangeError(`expected ${row.length} features, got ${features.length}`);
    row.set(features);
    out.fill(this.#baseMargin, 0, this.outputCount);
    const { feature, value, right, missing, roots } = this.#forest;
    const groups = this.#groups;
    for (let tree = 0; tree < roots.length; tree++) {
      let node = roots[tree]!;
      let split = feature[node]!;
      while (split >= 0) {
        const x = row[split]!;
        const threshold = value[node]!;
        // NaN fails both comparisons and takes the split's default branch.
        node = x < threshold ? node + 1 : x >= threshold ? right[node]! : missing[node]!;
        split = feature[node]!;
      }
      const group = groups[tree]!;
      out[group] = Math.fround(out[group]! + value[node]!);
    }
    transform(this.objective, out, this.outputCount);
  }
}

function transform(objective: Objective, out: Float64Array, count: number): void {
  if (objective === 'binary:logistic') {
    out[0] = 1 / (1 + Math.exp(-out[0]!));
  } else if (objective === 'multi:softprob') {
    let max = out[0]!;
    for (let k = 1; k < count; k++) max = Math.max(max, out[k]!);
    let sum = 0;
    for (let k = 0; k < count; k++) {
      const e = Math.exp(out[k]! - max);
      out[k] = e;
      sum += e;
    }
    for (let k = 0; k < count; k++) out[k] = out[k]! / sum;
  }
}
