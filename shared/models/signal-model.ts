/**
 * A model behind its manifest: features in, score and signal out. `parseSignalModel` takes the
 * manifest and the model file as already-parsed JSON values; load-signal-model.ts reads them.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { unknownFeaturesProblem } from '../features/feature-names.ts';
import { parseLogisticRegression } from './logistic-regression/logistic-regression-model.ts';
import { ModelError, type ModelIssue, parseModelJson } from './model-error.ts';
import { type ModelManifest, modelManifestSchema } from './model-manifest.ts';
import { type ModelSignal, SCORE_RANGE, type ScoreKind, scoreToSignal } from './score-to-signal.ts';
import type { TrainedModel } from './trained-model.ts';
import { parseXGBoostModel } from './xgboost/xgboost-model.ts';

export type { ModelSignal } from './score-to-signal.ts';

export interface SignalModel {
  readonly modelVersion: string;
  /** The features `predict` takes, in this order. */
  readonly featureNames: readonly string[];
  /** The model itself, for callers that want every output (a class probability each). */
  readonly model: TrainedModel;
  /** The score the manifest maps to a signal (see docs/models.md). Allocates nothing. */
  predict(features: Float64Array): number;
  signal(features: Float64Array): ModelSignal;
}

/**
 * Validates a manifest and its model file against each other and against the feature pipeline.
 * `source` names the manifest in errors; the model file's errors name it beside the manifest.
 */
export function parseSignalModel(manifest: unknown, model: unknown, source: string): SignalModel {
  const parsed = parseModelJson(modelManifestSchema, manifest, source);
  const modelSource = isAbsolute(parsed.file) ? parsed.file : join(dirname(source), parsed.file);
  const trained =
    parsed.kind === 'xgboost'
      ? parseXGBoostModel(model, modelSource)
      : parseLogisticRegression(model, modelSource);
  const problems = checkAgainstModel(parsed, trained);
  if (problems.length > 0) throw new ModelError(source, problems);
  return new ManifestSignalModel(parsed, trained);
}

function scoreKind(manifest: ModelManifest): ScoreKind {
  if (manifest.objective === 'binary:logistic') return 'probability';
  return manifest.objective === 'multi:softprob' ? 'probability-difference' : 'value';
}

function checkAgainstModel(manifest: ModelManifest, model: TrainedModel): ModelIssue[] {
  const problems: ModelIssue[] = [];
  const names = manifest.features;
  if (model.objective !== manifest.objective)
    problems.push({
      path: 'objective',
      problem: `says ${manifest.objective} but the model file's objective is ${model.objective}`,
    });
  if (model.featureCount !== names.length)
    problems.push({
      path: 'features',
      problem: `lists ${names.length} features but the model takes ${model.featureCount}`,
    });
  else if (model.featureNames !== undefined) {
    const index = model.featureNames.findIndex((name, i) => name !== names[i]);
    if (index >= 0)
      problems.push({
        path: `features[${index}]`,
        problem: `is ${JSON.stringify(names[index])} but the model file names feature ${index} ${JSON.stringify(model.featureNames[index])}`,
      });
  }
  const unknown = unknownFeaturesProblem(names);
  if (unknown !== undefined) problems.push({ path: 'features', problem: unknown });
  const directions = manifest.signal.classDirections;
  if (manifest.objective === 'multi:softprob') {
    if (directions === undefined)
      problems.push({
        path: 'signal.classDirections',
        problem: 'multi:softprob needs the direction of each class',
      });
    else if (directions.length !== model.outputCount)
      problems.push({
        path: 'signal.classDirections',
        problem: `names ${directions.length} classes but the model has ${model.outputCount}`,
      });
  } else if (directions !== undefined)
    problems.push({
      path: 'signal.classDirections',
      problem: `only multi:softprob has classes, not ${manifest.objective}`,
    });
  const [low, high] = SCORE_RANGE[scoreKind(manifest)];
  const { fullShortAt, fullLongAt } = manifest.signal;
  if (fullShortAt < low)
    problems.push({
      path: 'signal.fullShortAt',
      problem: `${fullShortAt} is below the lowest score, ${low}`,
    });
  if (fullLongAt > high)
    problems.push({
      path: 'signal.fullLongAt',
      problem: `${fullLongAt} is above the highest score, ${high}`,
    });
  return problems;
}

class ManifestSignalModel implements SignalModel {
  readonly modelVersion: string;
  readonly featureNames: readonly string[];
  readonly model: TrainedModel;
  readonly #manifest: ModelManifest;
  readonly #kind: ScoreKind;
  readonly #outputs: Float64Array;
  /** Per output: +1 for a long class, −1 for a short one, 0 for flat; the score is the weighted sum. */
  readonly #weights: Float64Array;

  constructor(manifest: ModelManifest, model: TrainedModel) {
    this.modelVersion = manifest.modelVersion;
    this.featureNames = Object.freeze([...manifest.features]);
    this.model = model;
    this.#manifest = manifest;
    this.#kind = scoreKind(manifest);
    this.#outputs = new Float64Array(model.outputCount);
    const directions = manifest.signal.classDirections;
    this.#weights =
      directions === undefined
        ? Float64Array.of(1)
        : Float64Array.from(directions, (direction) =>
            direction === 'long' ? 1 : direction === 'short' ? -1 : 0,
          );
  }

  predict(features: Float64Array): number {
    const outputs = this.#outputs;
    this.model.predictInto(features, outputs);
    const weights = this.#weights;
    let score = 0;
    for (let k = 0; k < weights.length; k++) score += weights[k]! * outputs[k]!;
    return score;
  }

  signal(features: Float64Array): ModelSignal {
    return scoreToSignal(this.predict(features), this.#manifest.signal, this.#kind);
  }
}
