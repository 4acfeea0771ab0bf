/**
 * One-shot timers behind an interface, beside the Clock: the engine waits on the wall clock, a test
 * fires timers by hand, a backtest waits on its virtual clock (its venue's scheduler), so a wait
 * that times out does so at the same virtual instant in every run, however fast the run goes.
 */
export interface Timers {
  /** Returns a handle that only this implementation's clearTimeout reads. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The wall clock's timers that do not keep the process alive (heartbeats, background flushes). */
export const backgroundTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
