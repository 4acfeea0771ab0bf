import { describe, expect, it } from 'vitest';
import {
  runOnWorkers,
  type TaskOutcome,
  type WorkerPoolOptions,
  WorkerStartError,
} from '../../../backtest/sweep/worker-pool.ts';
import type { SliceSumResult, SliceSumShared, SliceSumTask } from './slice-sum-worker.ts';

const module = new URL('./slice-sum-worker.ts', import.meta.url);

function sharedData(length: number): SliceSumShared {
  const values = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < length; i += 1) values[i] = i;
  return { values, board: new Int32Array(new SharedArrayBuffer(64 * Int32Array.BYTES_PER_ELEMENT)) };
}

function run(
  tasks: readonly SliceSumTask[],
  options: Partial<WorkerPoolOptions<SliceSumTask, SliceSumResult>> = {},
): Promise<TaskOutcome<SliceSumResult>[]> {
  return runOnWorkers<SliceSumTask, SliceSumResult>(tasks, { module, shared: sharedData(1000), ...options });
}

function results(outcomes: readonly TaskOutcome<SliceSumResult>[]): SliceSumResult[] {
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw new Error(`task failed: ${JSON.stringify(outcome.failure)}`);
    return outcome.result;
  });
}

const slices = (count: number, width: number): SliceSumTask[] =>
  Array.from({ length: count }, (_, i) => ({ kind: 'sum', start: i * width, end: (i + 1) * width }));

const sumOf = (start: number, end: number) => ((end - 1 + start) * (end - start)) / 2;

describe('runOnWorkers', () => {
  it('returns every result in task order, each computed from the shared data', async () => {
    const completed: number[] = [];
    const outcomes = await run(slices(40, 25), { workers: 2, onResult: (_, index) => completed.push(index) });

    expect(results(outcomes).map((result) => result.value)).toStrictEqual(
      Array.from({ length: 40 }, (_, i) => sumOf(i * 25, (i + 1) * 25)),
    );
    expect(completed.toSorted((a, b) => a - b)).toStrictEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('spreads tasks over the workers, which run at the same time', async () => {
    const barrier: SliceSumTask = { kind: 'barrier', parties: 2, timeoutMs: 20_000 };
    const outcomes = await run([barrier, barrier, ...slices(20, 10)], { workers: 2 });

    const [first, second] = results(outcomes);
    // Each barrier task returns only once both workers were inside it together.
    expect([first!.value, second!.value]).toStrictEqual([2, 2]);
    expect(first!.threadId).not.toBe(second!.threadId);
    expect(new Set(results(outcomes).map((result) => result.threadId)).size).toBe(2);
  });

  it('shares memory with the workers instead of copying it', async () => {
    const shared = sharedData(10);
    const outcomes = await run(
      Array.from({ length: 8 }, (_, i) => ({ kind: 'mark', slot: i + 1 }) as const),
      { workers: 2, shared },
    );

    // What the workers wrote is visible here: a copy would have left the board empty.
    expect(Array.from(shared.board.subarray(1, 9))).toStrictEqual(
      results(outcomes).map((result) => result.threadId),
    );
    expect(shared.board.subarray(1, 9).every((id) => id > 0)).toBe(true);
  });

  it('reports a task that throws and carries on in the same worker', async () => {
    const outcomes = await run(
      [...slices(2, 5), { kind: 'throw', message: 'bad parameters' }, ...slices(2, 5)],
      {
        workers: 1,
      },
    );

    expect(outcomes[2]).toMatchObject({
      ok: false,
      failure: { kind: 'threw', name: 'RangeError', message: 'bad parameters' },
    });
    const survivors = results([...outcomes.slice(0, 2), ...outcomes.slice(3)]);
    expect(survivors.map((result) => result.value)).toStrictEqual([10, 35, 10, 35]);
    expect(new Set(survivors.map((result) => result.threadId)).size).toBe(1);
  });

  it('replaces a worker that dies, failing only the task it was running', async () => {
    const outcomes = await run([...slices(1, 5), { kind: 'exit', code: 7 }, ...slices(3, 5)], { workers: 1 });

    expect(outcomes[1]).toStrictEqual({
      ok: false,
      failure: {
        kind: 'worker-exited',
        exitCode: 7,
        message: 'worker thread exited with code 7 while running the task',
      },
    });
    const before = results(outcomes.slice(0, 1));
    const after = results(outcomes.slice(2));
    expect(after.map((result) => result.value)).toStrictEqual([10, 35, 60]);
    expect(after.every((result) => result.threadId !== before[0]!.threadId)).toBe(true);
  });

  it('rejects with a WorkerStartError when the worker module cannot load', async () => {
    const broken = runOnWorkers(slices(4, 5), {
      module: new URL('./broken-worker.ts', import.meta.url),
      workers: 2,
    });

    await expect(broken).rejects.toThrow(WorkerStartError);
    await expect(broken).rejects.toThrow(/broken-worker\.ts failed to start: broken on purpose/);
  });

  it('stops every worker and rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const running = run([...slices(1, 5), { kind: 'hang' }, { kind: 'hang' }, ...slices(5, 5)], {
      workers: 2,
      signal: controller.signal,
      onResult: () => controller.abort(new Error('user pressed ctrl-c')),
    });

    await expect(running).rejects.toThrow('user pressed ctrl-c');
  });

  it('resolves at once with nothing to do, and refuses a worker count below one', async () => {
    await expect(run([])).resolves.toStrictEqual([]);
    expect(() => run(slices(1, 1), { workers: 0 })).toThrow(
      'workers must be a whole number of at least 1, got 0',
    );
  });
});
