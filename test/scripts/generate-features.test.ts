/** scripts/generate-features.ts run as a user runs it, on a short market so it stays quick. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../shared/features/feature-pipeline.ts';
import { tempFolder } from '../support/temp-files.ts';

const SCRIPT = join(import.meta.dirname, '../../scripts/generate-features.ts');
const folder = tempFolder();
afterAll(() => folder.remove());

function generate(...args: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
}

describe('Script: generate-features', () => {
  it('writes labelled feature rows, the same for the same seed', () => {
    const runs = ['a', 'b'].map((name) => {
      const out = folder.path(name);
      const result = generate('--out', out, '--minutes', '120', '--seed', '3');
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      return readFileSync(join(out, 'train.csv'), 'utf8');
    });
    expect(runs[1]).toBe(runs[0]);
    const [header, ...rows] = runs[0]!.trimEnd().split('\n');
    expect(header).toBe([...FEATURE_NAMES, 'forward_return', 'label_up', 'label_class'].join(','));
    // Six symbols, 120 minutes, 34 bars of warm-up and 5 of horizon: about 80 rows each.
    expect(rows.length).toBeGreaterThan(6 * 60);
    for (const row of rows) {
      const cells = row.split(',').map(Number);
      const [forward, up, label] = cells.slice(-3);
      expect(cells.slice(0, -3).every(Number.isFinite)).toBe(true);
      expect(up).toBe(forward! > 0 ? 1 : 0);
      expect(label).toBe(forward! > 0.0005 ? 2 : forward! < -0.0005 ? 0 : 1);
    }
    const heldout = readFileSync(join(folder.path('a'), 'heldout.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(heldout).toHaveLength(301);
  });

  it('refuses a bad flag value, naming it', () => {
    const result = generate('--minutes', 'lots');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--minutes must be a number');
  });
});
