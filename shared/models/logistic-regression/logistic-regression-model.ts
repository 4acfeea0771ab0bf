/**
 * A binary logistic regression: P(classes_[1]) = sigmoid(intercept + Σ coef · x), x standardised
 * first when the export carries its scaler, in scikit-learn's order of operations.
 */
import { ModelError, parseModelJson } from '../model-error.ts';
import type { TrainedModel } from '../trained-model.ts';
import { type LogisticRegressionJson, logisticRegressionSchema } from './logistic-regression-json-schema.ts';

/** Validates an exported logistic regression (already parsed from its file); throws a ModelError naming the problem. */
export function parseLogisticRegression(json: unknown, source: string): TrainedModel {
  const model = parseModelJson(logisticRegressionSchema, json, source);
  const count = model.n_features_in_;
  const refuse = (path: string, problem: string): never => {
    throw new ModelError(source, [{ path, problem }]);
  };
  if (model.classes_.length !== 2)
    refuse('classes_', `only binary models are supported, this one has ${model.classes_.length} classes`);
  if (model.coef_.length !== 1)
    refuse('coef_', `a binary model has 1 row of coefficients, got ${model.coef_.length}`);
  if (model.coef_[0]!.length !== count)
    refuse('coef_[0]', `has ${model.coef_[0]!.length} coefficients but n_features_in_ is ${count}`);
  if (model.intercept_.length !== 1)
    refuse('intercept_', `a binary model has 1 intercept, got ${model.intercept_.length}`);
  if (model.feature_names_in_ !== undefined && model.feature_names_in_.length !== count)
    refuse(
      'feature_names_in_',
      `names ${model.feature_names_in_.length} features but n_features_in_ is ${count}`,
    );
  for (const key of ['mean_', 'scale_'] as const) {
    const length = model.scaler?.[key].length ?? count;
    if (length !== count) refuse(`scaler.${key}`, `has ${length} entries but n_features_in_ is ${count}`);
  }
  return new LogisticRegressionModel(model);
}

class LogisticRegressionModel implements TrainedModel {
  readonly objective = 'binary:logistic';
  readonly featureCount: number;
  readonly featureNames: readonly string[] | undefined;
  readonly outputCount = 1;
  readonly #coef: Float64Array;
  readonly #intercept: number;
  readonly #mean: Float64Array;
  readonly #scale: Float64Array;

  constructor(model: LogisticRegressionJson) {
    this.featureCount = model.n_features_in_;
    this.featureNames =
      model.feature_names_in_ === undefined ? undefined : Object.freeze([...model.feature_names_in_]);
    this.#coef = Float64Array.from(model.coef_[0]!);
    this.#intercept = model.intercept_[0]!;
    this.#mean =
      model.scaler === undefined
        ? new Float64Array(this.featureCount)
        : Float64Array.from(model.scaler.mean_);
    this.#scale =
      model.scaler === undefined
        ? new Float64Array(this.featureCount).fill(1)
        : Float64Array.from(model.scaler.scale_);
  }

  predictInto(features: Float64Array, out: Float64Array): void {
    const coef = this.#coef;
    if (features.length !== coef.length)
      throw new RangeError(`expected ${coef.length} features, got ${features.length}`);
    let z = this.#intercept;
    for (let i = 0; i < coef.length; i++) z += ((features[i]! - this.#mean[i]!) / this.#scale[i]!) * coef[i]!;
    out[0] = 1 / (1 + Math.exp(-z));
  }
}
