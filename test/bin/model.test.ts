/** `npm run model -- predict` as a user runs it: the real command in a child process. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSignalModel } from '../../shared/models/load-signal-model.ts';
import { tempFolder } from '../support/temp-files.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/models');
const HELDOUT = join(FIXTURES, 'heldout-features.csv');
const SHIPPED = join(ROOT, 'models/xgboost-direction-5m/manifest.json');
const folder = tempFolder();
afterAll(() => folder.remove());

function model(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/model.ts'), ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectPredictions(stdout: string, predictionsFile: string): void {
  const printed = stdout.trimEnd().split('\n');
  const recorded = readFileSync(join(FIXTURES, 'predictions', predictionsFile), 'utf8')
    .trimEnd()
    .split('\n');
  expect(printed).toHaveLength(recorded.length);
  printed.forEach((line, i) => {
    const expected = recorded[i]!.split(',').map(Number);
    const values = line.split(',').map(Number);
    expect(values).toHaveLength(expected.length);
    values.forEach((value, k) => {
      expect(Math.abs(value - expected[k]!)).toBeLessThanOrEqual(1e-6);
    });
  });
}

const HEADER = readFileSync(HELDOUT, 'utf8').split('\n')[0]!;
const FIRST_ROW = readFileSync(HELDOUT, 'utf8').split('\n')[1]!;

describe('CLI: npm run model -- predict', () => {
  it("prints a manifest's model's prediction for every row, as XGBoost made them", () => {
    const { status, stdout, stderr } = model('predict', '--model', SHIPPED, '--features', HELDOUT);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expectPredictions(stdout, 'xgboost-direction-5m.csv');
  });

  it('takes a bare XGBoost model file and prints one probability per class', () => {
    const bare = join(FIXTURES, 'xgboost-softprob/model.json');
    const { status, stdout } = model('predict', '--model', bare, '--features', HELDOUT);
    expect(status).toBe(0);
    expectPredictions(stdout, 'xgboost-softprob.csv');
  });

  it.each([
    [
      'no --features',
      ['predict', '--model', SHIPPED],
      2,
      '--features FILE.csv is required\nusage: npm run model',
    ],
    [
      'an unknown command',
      ['train', '--model', SHIPPED, '--features', HELDOUT],
      2,
      'unknown command "train" (expected predict)',
    ],
    ['an unknown flag', ['predict', '--modle', SHIPPED], 2, "Unknown option '--modle'"],
    [
      'a model file that is not there',
      ['predict', '--model', 'nope.json', '--features', HELDOUT],
      1,
      'nope.json: cannot read the file (ENOENT)',
    ],
  ])('refuses %s with a clear message', (_what, args, status, message) => {
    const result = model(...args);
    expect(result.status).toBe(status);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('names the line and column of a cell that is not a number', () => {
    const csv = folder.write('bad.csv', `${HEADER}\n${FIRST_ROW}\n${FIRST_ROW.replace(/^[^,]*/, '12abc')}\n`);
    const { status, stderr, stdout } = model('predict', '--model', SHIPPED, '--features', csv);
    expect(status).toBe(1);
    expect(stderr).toContain(`${csv}: line 3, column return_1: "12abc" is not a number`);
    expect(stdout).toBe('');
  });

  it("refuses a header that is not the model's features in order", () => {
    const names = HEADER.split(',');
    const swapped = [names[1], names[0], ...names.slice(2)].join(',');
    const csv = folder.write('swapped.csv', `${swapped}\n${FIRST_ROW}\n`);
    const { status, stderr } = model('predict', '--model', SHIPPED, '--features', csv);
    expect(status).toBe(1);
    expect(stderr).toContain(`${csv}: line 1: the header must be the model's features in order`);
  });

  it('reads an empty cell as a missing value', () => {
    const withBlank = FIRST_ROW.split(',');
    withBlank[3] = '';
    const csv = folder.write('blank.csv', `${HEADER}\n${withBlank.join(',')}\n`);
    const { status, stdout } = model('predict', '--model', SHIPPED, '--features', csv);
    expect(status).toBe(0);
    const row = Float64Array.from(withBlank, (cell) => (cell === '' ? Number.NaN : Number(cell)));
    expect(Number(stdout.trim())).toBe(loadSignalModel(SHIPPED).predict(row));
  });

  it('refuses a manifest whose features the pipeline cannot produce', () => {
    const manifest = JSON.parse(readFileSync(SHIPPED, 'utf8'));
    manifest.features[0] = 'moon_phase';
    manifest.file = join(ROOT, 'models/xgboost-direction-5m/model.json');
    const file = folder.write('manifest.json', JSON.stringify(manifest));
    const { status, stderr } = model('predict', '--model', file, '--features', HELDOUT);
    expect(status).toBe(1);
    expect(stderr).toContain(`${file}: features: the feature pipeline cannot produce moon_phase`);
  });
});
