/**
 * The worker-thread side of the pool: a worker module calls `serveTasks` once with the function
 * that does one task. The pool's shared data (workerData) is handed to every call; it is the same
 * memory in every thread when it holds SharedArrayBuffers.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { TaskMessage, ThrownError, WorkerMessage } from './worker-protocol.ts';

function describeThrown(error: unknown): ThrownError {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'Error', message: String(error) };
}

export function serveTasks<Task, Result, Shared = unknown>(
  runTask: (task: Task, shared: Shared) => Result | Promise<Result>,
): void {
  const port = parentPort;
  if (isMainThread || port === null)
    throw new Error('serveTasks runs in a worker thread started by the worker pool');
  const shared = workerData as Shared;
  const send = (message: WorkerMessage<Result>) => port.postMessage(message);

  port.on('message', async ({ index, task }: TaskMessage<Task>) => {
    try {
      send({ type: 'result', index, result: await runTask(task, shared) });
    } catch (error) {
      send({ type: 'threw', index, error: describeThrown(error) });
    }
  });
  send({ type: 'ready' });
}
