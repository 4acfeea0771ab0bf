/**
 * model.predict: one score from the shipped model (XGBoost binary:logistic, 100 trees of depth 6,
 * 13 features), on the 300 held-out rows in turn, about a third of them with a missing value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeatureCsv } from '../../shared/features/feature-csv.ts';
import { loadSignalModel } from '../../shared/models/load-signal-model.ts';
import { latencyBenchmark } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const HELDOUT = join(ROOT, 'test/fixtures/models/heldout-features.csv');

export const benchmarks = [
  latencyBenchmark({
    name: 'model.predict',
    iterations: 200_000,
    warmup: 20_000,
    setup: () => {
      const model = loadSignalModel(join(ROOT, 'models/xgboost-direction-5m/manifest.json'));
      const rows = parseFeatureCsv(readFileSync(HELDOUT, 'utf8'), HELDOUT, model.featureNames).rows;
      return { model, rows };
    },
    op: ({ model, rows }, i) => model.predict(rows[i % rows.length]!),
  }),
];
