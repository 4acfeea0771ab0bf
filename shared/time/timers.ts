/**
 * One-shot timers behind an interface, beside the Clock: the engine waits on the wall clock, a
 * backtest on its virtual clock (its venue's scheduler), so a wait that times out does so at the
 * same virtual instant in every run, however fast the run goes.
 */
/** Whatever the implementation hands back; only its own clearTimeout reads it. */
export type TimerHandle = object;

export interface Timers {
  setTimeout(run: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  setTimeout: (run, delayMs) => setTimeout(run, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
