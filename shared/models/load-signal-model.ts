/** Reads model files: a manifest with the model it names (signal-model.ts), or a bare model file. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseLogisticRegression } from './logistic-regression/logistic-regression-model.ts';
import { ModelError } from './model-error.ts';
import { parseSignalModel, type SignalModel } from './signal-model.ts';
import type { TrainedModel } from './trained-model.ts';
import { parseXGBoostModel } from './xgboost/xgboost-model.ts';

/** Throws a ModelError naming the file and the problem when either file is unreadable or invalid. */
export function loadSignalModel(manifestPath: string): SignalModel {
  const manifest = readJsonFile(manifestPath);
  const file = (manifest as { file?: unknown } | null)?.file;
  const model = typeof file === 'string' ? readJsonFile(resolve(dirname(manifestPath), file)) : undefined;
  return parseSignalModel(manifest, model, manifestPath);
}

/** Reads and parses a JSON file, or throws a ModelError naming it. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw new ModelError(path, [{ path: '', problem: `cannot read the file (${code})` }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelError(path, [{ path: '', problem: `not valid JSON: ${(error as Error).message}` }]);
  }
}

export interface ModelFile {
  readonly model: TrainedModel;
  /** The features in order, from the manifest or the model file; undefined when neither names them. */
  readonly featureNames: readonly string[] | undefined;
}

/**
 * Reads a manifest, or a bare model file (an XGBoost JSON model, or a logistic regression as
 * scripts/train-models.py exports it), for tools that check a model's predictions.
 */
export function loadModelFile(path: string): ModelFile {
  const json = readJsonFile(path);
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  if ('manifestVersion' in fields) {
    const signalModel = loadSignalModel(path);
    return { model: signalModel.model, featureNames: signalModel.featureNames };
  }
  const model =
    fields.format === 'sklearn-logistic-regression'
      ? parseLogisticRegression(json, path)
      : parseXGBoostModel(json, path);
  return { model, featureNames: model.featureNames };
}
