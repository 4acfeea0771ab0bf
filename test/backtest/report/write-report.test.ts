import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { writeReport } from '../../../backtest/report/write-report.ts';
import { syntheticBacktestResult } from '../../support/backtest-results.ts';
import { tempFolder } from '../../support/temp-files.ts';

describe('writeReport', () => {
  const folder = tempFolder();
  afterEach(() => folder.remove());

  it('writes report.json and report.html into a new folder, the same bytes every time', async () => {
    const first = await writeReport(syntheticBacktestResult({ split: 0.7 }), folder.path('first/nested'));
    const second = await writeReport(syntheticBacktestResult({ split: 0.7 }), folder.path('second'));
    expect(first.jsonPath).toBe(folder.path('first/nested/report.json'));
    expect(first.htmlPath).toBe(folder.path('first/nested/report.html'));

    const [json, html, secondJson, secondHtml] = await Promise.all(
      [first.jsonPath, first.htmlPath, second.jsonPath, second.htmlPath].map((path) => readFile(path)),
    );
    expect(secondJson!.equals(json!)).toBe(true);
    expect(secondHtml!.equals(html!)).toBe(true);
    // Nothing of the machine: not the output folder, not node_modules.
    for (const text of [json!.toString(), html!.toString()]) {
      expect(text).not.toContain(folder.path(''));
      expect(text).not.toContain('node_modules');
    }
    expect(JSON.parse(json!.toString()).metrics.all.executions).toBe(first.report.metrics.all.executions);
  });
});
