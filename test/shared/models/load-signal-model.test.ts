import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelFile, loadSignalModel } from '../../../shared/models/load-signal-model.ts';
import { tempFolder } from '../../support/temp-files.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/models');
const folder = tempFolder();
afterAll(() => folder.remove());

const manifest = (file: string) =>
  JSON.stringify({
    manifestVersion: 1,
    modelVersion: 'v',
    kind: 'xgboost',
    file,
    objective: 'reg:squarederror',
    features: ['return_1'],
    signal: { longAbove: 0, shortBelow: 0, fullLongAt: 1, fullShortAt: -1 },
  });

describe('Function: loadSignalModel', () => {
  it('reads the manifest and the model file beside it', () => {
    const model = loadSignalModel(join(FIXTURES, 'xgboost-regression/manifest.json'));
    expect(model.modelVersion).toBe('xgboost-regression-fixture');
    expect(model.model.objective).toBe('reg:squarederror');
  });

  it('names a manifest it cannot read', () => {
    const path = folder.path('missing.json');
    expect(() => loadSignalModel(path)).toThrow(`${path}: cannot read the file (ENOENT)`);
  });

  it('names a manifest that is not JSON', () => {
    const path = folder.write('broken.json', '{"manifestVersion": 1,');
    expect(() => loadSignalModel(path)).toThrow(`${path}: not valid JSON`);
  });

  it('names the model file the manifest points at when it is missing', () => {
    const path = folder.write('manifest.json', manifest('gone.json'));
    expect(() => loadSignalModel(path)).toThrow(`${folder.path('gone.json')}: cannot read the file (ENOENT)`);
  });
});

describe('Function: loadModelFile', () => {
  it('reads a bare logistic regression with the feature names it records', () => {
    const { model, featureNames } = loadModelFile(join(FIXTURES, 'logistic-regression/model.json'));
    expect(model.objective).toBe('binary:logistic');
    expect(featureNames).toHaveLength(13);
  });

  it('reads a manifest, taking the feature names from it', () => {
    const { featureNames } = loadModelFile(join(FIXTURES, 'xgboost-softprob/manifest.json'));
    expect(featureNames?.[0]).toBe('return_1');
  });

  it('reads anything else as an XGBoost model, and says what is wrong with it', () => {
    const path = folder.write('other.json', '{"weights": [1, 2]}');
    expect(() => loadModelFile(path)).toThrow(`${path}: learner: required key is missing (object)`);
  });
});
