/**
 * Runs tasks on worker threads: each worker is started once with the shared data (workerData, so
 * SharedArrayBuffer-backed columns are shared, not copied) and then fed one task at a time, the
 * next going to whichever worker frees up first, so uneven tasks still keep every core busy.
 *
 * A task that throws, or whose worker dies, is an outcome of that task, not of the run: the pool
 * replaces a dead worker and carries on. A worker module that cannot start at all is broken
 * infrastructure, and the run rejects with a WorkerStartError.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TaskMessage, ThrownError, WorkerMessage } from './worker-protocol.ts';

export type TaskFailure =
  /** The task threw (or rejected) inside the worker; the worker goes on with the next task. */
  | ({ readonly kind: 'threw' } & ThrownError)
  /** The worker thread ended while running the task (process.exit, an uncaught error, out of memory). */
  | { readonly kind: 'worker-exited'; readonly message: string; readonly exitCode: number };

export type TaskOutcome<Result> =
  | { readonly ok: true; readonly result: Result }
  | { readonly ok: false; readonly failure: TaskFailure };

export interface WorkerPoolOptions<Task, Result> {
  /** The worker module: it calls serveTasks (task-worker.ts) with the function that runs one task. */
  readonly module: URL;
  /** Handed once to each worker as workerData; SharedArrayBuffers in it are shared, the rest copied. */
  readonly shared?: unknown;
  /** Worker threads to run; os.availableParallelism() by default, never more than there are tasks. */
  readonly workers?: number;
  /** Called as each task settles, in completion order (for progress). */
  readonly onResult?: (outcome: TaskOutcome<Result>, index: number, task: Task) => void;
  /** Aborting terminates every worker and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The worker module failed before serving a single task: every task would fail the same way. */
export class WorkerStartError extends Error {
  override readonly name = 'WorkerStartError';
  readonly module: string;

  constructor(module: URL, cause: Error | undefined, exitCode: number) {
    const path = module.protocol === 'file:' ? fileURLToPath(module) : module.href;
    super(
      cause === undefined
        ? `worker module ${path} exited (code ${exitCode}) without serving tasks: does it call serveTasks?`
        : `worker module ${path} failed to start: ${cause.message}`,
      { cause },
    );
    this.module = path;
  }
}

function resolveWorkerCount(requested: number | undefined, tasks: number): number {
  const count = requested ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`workers must be a whole number of at least 1, got ${count}`);
  }
  return Math.min(count, tasks);
}

/** Runs every task and resolves with their outcomes in task order. */
export function runOnWorkers<Task, Result>(
  tasks: readonly Task[],
  options: WorkerPoolOptions<Task, Result>,
): Promise<TaskOutcome<Result>[]> {
  const workerCount = resolveWorkerCount(options.workers, tasks.length);
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (tasks.length === 0) return Promise.resolve([]);

  return new Promise((resolve, reject) => {
    const outcomes = new Array<TaskOutcome<Result>>(tasks.length);
    const running = new Set<Worker>();
    let nextTask = 0;
    let settledTasks = 0;
    let finished = false;

    const finish = (error?: { reason: unknown }) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener('abort', onAbort);
      const stopping = [...running].map((worker) => worker.terminate());
      running.clear();
      Promise.all(stopping).then(
        () => (error === undefined ? resolve(outcomes) : reject(error.reason)),
        reject,
      );
    };
    const onAbort = () => finish({ reason: signal?.reason });
    signal?.addEventListener('abort', onAbort, { once: true });

    const settle = (index: number, outcome: TaskOutcome<Result>) => {
      outcomes[index] = outcome;
      settledTasks += 1;
      try {
        options.onResult?.(outcome, index, tasks[index]!);
      } catch (error) {
        finish({ reason: error });
        return;
      }
      if (settledTasks === tasks.length) finish();
    };

    const startWorker = () => {
      const worker = new Worker(options.module, { workerData: options.shared });
      running.add(worker);
      let ready = false;
      let current: number | undefined;
      let uncaught: Error | undefined;

      const feed = () => {
        if (finished) return;
        if (nextTask === tasks.length) {
          current = undefined;
          running.delete(worker);
          void worker.terminate();
          return;
        }
        current = nextTask++;
        const message: TaskMessage<Task> = { index: current, task: tasks[current]! };
        worker.postMessage(message);
      };

      worker.on('message', (message: WorkerMessage<Result>) => {
        if (finished) return;
        if (message.type === 'ready') {
          ready = true;
          return;
        }
        if (message.index !== current) return;
        settle(
          current,
          message.type === 'result'
            ? { ok: true, result: message.result }
            : { ok: false, failure: { kind: 'threw', ...message.error } },
        );
        feed();
      });
      worker.on('error', (error) => {
        uncaught = error;
      });
      worker.on('exit', (exitCode) => {
        // Workers the pool retired or terminated itself are no news.
        if (finished || !running.delete(worker)) return;
        if (!ready) {
          finish({ reason: new WorkerStartError(options.module, uncaught, exitCode) });
          return;
        }
        if (current !== undefined) {
          const message =
            uncaught === undefined
              ? `worker thread exited with code ${exitCode} while running the task`
              : `worker thread died while running the task: ${uncaught.message}`;
          settle(current, { ok: false, failure: { kind: 'worker-exited', message, exitCode } });
        }
        if (!finished && nextTask < tasks.length) startWorker();
      });

      feed();
    };

    for (let started = 0; started < workerCount; started += 1) startWorker();
  });
}
