/**
 * A task worker for the pool's tests: sums slices of a shared Float64Array, and on request throws,
 * exits, writes into shared memory, or meets the other workers at a barrier.
 */
import { threadId } from 'node:worker_threads';
import { serveTasks } from '../../../backtest/sweep/task-worker.ts';

export interface SliceSumShared {
  readonly values: Float64Array;
  /** [0] counts arrivals at the barrier; slots from 1 on are written by `mark` tasks. */
  readonly board: Int32Array;
}

export type SliceSumTask =
  | { readonly kind: 'sum'; readonly start: number; readonly end: number }
  | { readonly kind: 'throw'; readonly message: string }
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'mark'; readonly slot: number }
  | { readonly kind: 'barrier'; readonly parties: number; readonly timeoutMs: number }
  | { readonly kind: 'hang' };

export interface SliceSumResult {
  readonly threadId: number;
  readonly value: number;
}

serveTasks<SliceSumTask, SliceSumResult, SliceSumShared>(async (task, { values, board }) => {
  switch (task.kind) {
    case 'sum': {
      let sum = 0;
      for (let i = task.start; i < task.end; i += 1) sum += values[i]!;
      return { threadId, value: sum };
    }
    case 'throw':
      throw new RangeError(task.message);
    case 'exit':
      return process.exit(task.code);
    case 'mark':
      Atomics.store(board, task.slot, threadId);
      return { threadId, value: task.slot };
    case 'barrier': {
      // Returns only when `parties` workers are inside this task at the same time (or on timeout).
      Atomics.add(board, 0, 1);
      Atomics.notify(board, 0);
      const deadline = Date.now() + task.timeoutMs;
      let arrived = Atomics.load(board, 0);
      while (arrived < task.parties && Date.now() < deadline) {
        Atomics.wait(board, 0, arrived, deadline - Date.now());
        arrived = Atomics.load(board, 0);
      }
      return { threadId, value: arrived };
    }
    case 'hang':
      return new Promise<SliceSumResult>(() => {});
  }
});
