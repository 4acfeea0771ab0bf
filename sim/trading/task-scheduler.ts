/**
 * Deferred work (order routing latency, cancels, expiries, auctions, delayed stream events) in
 * time order. On wall time a timer runs due tasks; on virtual time nothing runs until the caller
 * moves the clock and calls runDue, so a backtest decides exactly when latency elapses.
 * Ties run in scheduling order, which keeps a run reproducible.
 */
import type { Clock } from '../../shared/time/clock.ts';

/** A scheduled task; `cancel` takes it out before it runs. */
export interface ScheduledTask {
  readonly atMs: number;
}

interface Task extends ScheduledTask {
  readonly seq: number;
  readonly run: (arg: never) => void;
  /** What `run` is called with: a task per order needs no closure of its own. */
  readonly arg: unknown;
  /** Where the task sits in the heap; -1 once it ran or was canceled. */
  index: number;
}

const MAX_TIMER_MS = 2_147_483_647;

/** Earlier first; ties in scheduling order, which keeps a run reproducible. */
function runsBefore(a: Task, b: Task): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

export class TaskScheduler {
  readonly #clock: Clock;
  readonly #wallTime: boolean;
  #tasks: Task[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #closed = false;

  constructor(clock: Clock, wallTime: boolean) {
    this.#clock = clock;
    this.#wallTime = wallTime;
  }

  schedule(atMs: number, run: () => void): ScheduledTask {
    return this.scheduleCall(atMs, run, undefined);
  }

  /** Schedules `run(arg)`: one shared function for many tasks, each with its own argument. */
  scheduleCall<T>(atMs: number, run: (arg: T) => void, arg: T): ScheduledTask {
    const task: Task = { atMs, seq: this.#seq++, run, arg, index: -1 };
    if (this.#closed) return task;
    // A binary heap whose tasks know their place: a day order schedules its expiry at the
    // session's end and cancels it when it ends sooner, so the heap holds only live work.
    this.#tasks.push(task);
    const index = this.#siftUp(task, this.#tasks.length - 1);
    if (index === 0) this.#arm();
    return task;
  }

  after(delayMs: number, run: () => void): ScheduledTask {
    return this.scheduleCall(this.#clock.nowMs() + Math.max(0, delayMs), run, undefined);
  }

  afterCall<T>(delayMs: number, run: (arg: T) => void, arg: T): ScheduledTask {
    return this.scheduleCall(this.#clock.nowMs() + Math.max(0, delayMs), run, arg);
  }

  /** Takes a task out unless it already ran (or was canceled). */
  cancel(handle: ScheduledTask): void {
    const task = handle as Task;
    const index = task.index;
    if (index < 0 || this.#tasks[index] !== task) return;
    task.index = -1;
    const head = this.#tasks[0];
    const last = this.#tasks.pop()!;
    if (last !== task) {
      // The last task fills the hole and moves whichever way restores the heap.
      if (index > 0 && runsBefore(last, this.#tasks[(index - 1) >> 1]!)) this.#siftUp(last, index);
      else this.#siftDown(last, index);
    }
    if (this.#tasks[0] !== head) this.#arm();
  }

  nextDueMs(): number | undefined {
    return this.#tasks[0]?.atMs;
  }

  /** Runs every task due at the clock's current time, including tasks they schedule for now. */
  runDue(): void {
    const now = this.#clock.nowMs();
    while (this.#tasks.length > 0 && this.#tasks[0]!.atMs <= now && !this.#closed) {
      const task = this.#pop();
      (task.run as (arg: unknown) => void)(task.arg);
    }
    this.#arm();
  }

  #pop(): Task {
    const tasks = this.#tasks;
    const first = tasks[0]!;
    first.index = -1;
    const last = tasks.pop()!;
    if (tasks.length > 0) this.#siftDown(last, 0);
    return first;
  }

  /** Places `task` at `index` or above it; returns where it settled. */
  #siftUp(task: Task, start: number): number {
    const tasks = this.#tasks;
    let index = start;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = tasks[parent]!;
      if (!runsBefore(task, above)) break;
      tasks[index] = above;
      above.index = index;
      index = parent;
    }
    tasks[index] = task;
    task.index = index;
    return index;
  }

  /** Places `task` at `index` or below it. */
  #siftDown(task: Task, start: number): void {
    const tasks = this.#tasks;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= tasks.length) break;
      const right = left + 1;
      const child = right < tasks.length && runsBefore(tasks[right]!, tasks[left]!) ? right : left;
      const below = tasks[child]!;
      if (!runsBefore(below, task)) break;
      tasks[index] = below;
      below.index = index;
      index = child;
    }
    tasks[index] = task;
    task.index = index;
  }

  close(): void {
    this.#closed = true;
    for (const task of this.#tasks) task.index = -1;
    this.#tasks = [];
    this.#disarm();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
  }

  #arm(): void {
    if (!this.#wallTime || this.#closed) return;
    this.#disarm();
    const next = this.#tasks[0];
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.atMs - this.#clock.nowMs()));
    const fire = (): void => {
      this.#timer = undefined;
      this.#immediate = undefined;
      this.runDue();
    };
    // A zero-latency task runs on the next turn of the loop, not after setTimeout's 1 ms floor.
    if (delay === 0) {
      this.#immediate = setImmediate(fire);
      this.#immediate.unref();
    } else {
      this.#timer = setTimeout(fire, delay);
      this.#timer.unref();
    }
  }
}
