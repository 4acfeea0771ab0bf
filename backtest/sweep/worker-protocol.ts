/**
 * The messages between the worker pool (worker-pool.ts) and a task worker (task-worker.ts): one
 * task at a time down, one answer up. Tasks and results are structured-cloned, so keep them small;
 * bulk data goes once per worker as workerData.
 */

export interface TaskMessage<Task> {
  readonly index: number;
  readonly task: Task;
}

/** An exception a task threw, as far as it survives the trip between threads. */
export interface ThrownError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type WorkerMessage<Result> =
  /** The worker module loaded and listens for tasks. */
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly index: number; readonly result: Result }
  | { readonly type: 'threw'; readonly index: number; readonly error: ThrownError };
