/**
 * Deferred work (order routing latency, cancels, expiries, auctions, delayed stream events) in
 * time order. On wall time a timer runs due tasks; on virtual time nothing runs until the caller
 * moves the clock and calls runDue, so a backtest decides exactly when latency elapses.
 * Ties run in scheduling order, which keeps a run reproducible.
 */
import type { Clock } from '../../shared/time/clock.ts';

interface Task {
  readonly atMs: number;
  readonly seq: number;
  readonly run: () => void;
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

  schedule(atMs: number, run: () => void): void {
    if (this.#closed) return;
    const task = { atMs, seq: this.#seq++, run };
    // A binary heap: every day order schedules its expiry at the session's end, so a backtest
    // holds as many far-off tasks as orders, and a sorted insert would cost O(n) each.
    const tasks = this.#tasks;
    let index = tasks.length;
    tasks.push(task);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!runsBefore(task, tasks[parent]!)) break;
      tasks[index] = tasks[parent]!;
      index = parent;
    }
    tasks[index] = task;
    if (index === 0) this.#arm();
  }

  after(delayMs: number, run: () => void): void {
    this.schedule(this.#clock.nowMs() + Math.max(0, delayMs), run);
  }

  nextDueMs(): number | undefined {
    return this.#tasks[0]?.atMs;
  }

  /** Runs every task due at the clock's current time, including tasks they schedule for now. */
  runDue(): void {
    const now = this.#clock.nowMs();
    while (this.#tasks.length > 0 && this.#tasks[0]!.atMs <= now && !this.#closed) {
      this.#pop().run();
    }
    this.#arm();
  }

  #pop(): Task {
    const tasks = this.#tasks;
    const first = tasks[0]!;
    const last = tasks.pop()!;
    if (tasks.length === 0) return first;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= tasks.length) break;
      const right = left + 1;
      const child = right < tasks.length && runsBefore(tasks[right]!, tasks[left]!) ? right : left;
      if (!runsBefore(tasks[child]!, last)) break;
      tasks[index] = tasks[child]!;
      index = child;
    }
    tasks[index] = last;
    return first;
  }

  close(): void {
    this.#closed = true;
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
