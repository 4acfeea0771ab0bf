/**
 * Our predictions against the ones XGBoost and scikit-learn made themselves on the held-out
 * features (scripts/train-models.py recorded them), for every objective, to 1e-6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeatureCsv } from '../../../shared/features/feature-csv.ts';
import { loadSignalModel } from '../../../shared/models/load-signal-model.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/models');
const heldout = parseFeatureCsv(
  readFileSync(join(FIXTURES, 'heldout-features.csv'), 'utf8'),
  'heldout-features.csv',
);

/** One line per held-out row; an empty line where the library made no prediction. */
function recorded(name: string): number[][] {
  const lines = readFileSync(join(FIXTURES, 'predictions', `${name}.csv`), 'utf8').split('\n');
  lines.pop();
  return lines.map((line) => (line === '' ? [] : line.split(',').map(Number)));
}

describe('Model fidelity against the training libraries', () => {
  it('the held-out set has missing values, so default directions are exercised', () => {
    expect(heldout.rows).toHaveLength(300);
    const withMissing = heldout.rows.filter((row) => row.some(Number.isNaN)).length;
    expect(withMissing).toBeGreaterThan(50);
  });

  it.each([
    ['xgboost-direction-5m', join(ROOT, 'models/xgboost-direction-5m/manifest.json'), 1],
    ['xgboost-regression', join(FIXTURES, 'xgboost-regression/manifest.json'), 1],
    ['xgboost-softprob', join(FIXTURES, 'xgboost-softprob/manifest.json'), 3],
    ['logistic-regression', join(FIXTURES, 'logistic-regression/manifest.json'), 1],
  ])('%s predicts what its library predicted, to 1e-6', (name, manifest, outputs) => {
    const signalModel = loadSignalModel(manifest);
    expect(signalModel.featureNames).toStrictEqual(heldout.columns);
    expect(signalModel.model.outputCount).toBe(outputs);
    const expected = recorded(name);
    expect(expected).toHaveLength(heldout.rows.length);
    const out = new Float64Array(outputs);
    let compared = 0;
    heldout.rows.forEach((row, i) => {
      signalModel.model.predictInto(row, out);
      if (expected[i]!.length === 0) {
        // scikit-learn refuses rows with a missing value; ours gives NaN, which signals flat.
        expect(out[0]).toBeNaN();
        expect(signalModel.signal(row).direction).toBe('flat');
        return;
      }
      for (let k = 0; k < outputs; k++)
        expect(Math.abs(out[k]! - expected[i]![k]!)).toBeLessThanOrEqual(1e-6);
      compared++;
    });
    expect(compared).toBeGreaterThan(150);
  });

  it("the shipped model's score is its probability", () => {
    const signalModel = loadSignalModel(join(ROOT, 'models/xgboost-direction-5m/manifest.json'));
    const expected = recorded('xgboost-direction-5m');
    heldout.rows.slice(0, 20).forEach((row, i) => {
      expect(Math.abs(signalModel.predict(row) - expected[i]![0]!)).toBeLessThanOrEqual(1e-6);
    });
  });
});
