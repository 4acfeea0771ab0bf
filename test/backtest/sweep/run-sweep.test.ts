import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ProgressOutput } from '../../../backtest/progress/progress-display.ts';
import { runSweep } from '../../../backtest/sweep/run-sweep.ts';
import { parseSweepSpec } from '../../../backtest/sweep/sweep-grid.ts';
import type { ToySweepShared } from './toy-sweep-worker.ts';

function plainOutput(): { output: ProgressOutput; written: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY: false });
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { output: stream, written: () => chunks.join('') };
}

describe('runSweep', () => {
  it('runs every grid point on the workers and reports the sweep with its best run', async () => {
    const shared: ToySweepShared = { offset: new Float64Array(new SharedArrayBuffer(8)).fill(2) };
    const { output, written } = plainOutput();

    const runs = await runSweep({
      axes: parseSweepSpec('fast=5:15:5,slow=0:80:40'),
      module: new URL('./toy-sweep-worker.ts', import.meta.url),
      shared,
      rankBy: 'sharpe',
      workers: 2,
      progress: { output },
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(runs.map((run) => run.params)).toStrictEqual([
      { fast: 5, slow: 0 },
      { fast: 5, slow: 40 },
      { fast: 5, slow: 80 },
      { fast: 10, slow: 0 },
      { fast: 10, slow: 40 },
      { fast: 10, slow: 80 },
      { fast: 15, slow: 0 },
      { fast: 15, slow: 40 },
      { fast: 15, slow: 80 },
    ]);
    expect(runs[0]).toStrictEqual({
      params: { fast: 5, slow: 0 },
      error: 'RangeError: slow must be positive',
    });
    expect(runs[4]).toMatchObject({ metrics: { sharpe: 2, trades: 400, cagr: null } });
    expect(runs.filter((run) => 'error' in run)).toHaveLength(3);
    // The final line: all runs, the best by Sharpe, and the failures.
    expect(written().trim().split('\n').at(-1)).toMatch(
      /^9\/9 runs 100\.0% \| .* runs\/s \| took .* \| best sharpe 2\.00 \(fast=10, slow=40\), 3 failed$/,
    );
  });
});
