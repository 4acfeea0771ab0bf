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
    let index = this.#tasks.length;
    while (index > 0 && this.#tasks[index - 1]!.atMs > atMs) index--;
    this.#tasks.splice(index, 0, task);
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
      this.#tasks.shift()!.run();
    }
    this.#arm();
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
