import type { Timers } from '../../../../shared/time/timers.ts';

/** Timers the test fires by hand: backoff and deadlines become exact. */
export class ManualTimers implements Timers {
  readonly pending = new Map<number, { readonly callback: () => void; readonly ms: number }>();
  #next = 0;

  setTimeout(callback: () => void, ms: number): unknown {
    this.pending.set(++this.#next, { callback, ms });
    return this.#next;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the timers pending now, in the order they were set. */
  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms);
  }

  /** Fires every timer pending now, as if their time had come (the ones they set stay pending). */
  fireAll(): void {
    for (const [handle, timer] of [...this.pending]) {
      // One fired earlier in this round may have cleared it.
      if (!this.pending.delete(handle)) continue;
      timer.callback();
    }
  }

  /** Fires the first pending timer whose delay matches `predicate`; returns its delay. */
  fire(predicate: (ms: number) => boolean): number {
    for (const [handle, timer] of this.pending) {
      if (!predicate(timer.ms)) continue;
      this.pending.delete(handle);
      timer.callback();
      return timer.ms;
    }
    throw new Error(`no such timer pending (pending: ${this.delays().join(', ')})`);
  }
}
