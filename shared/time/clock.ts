/**
 * Time comes from a Clock the engine is handed, so backtests run on virtual time and tests
 * control it. Milliseconds for scheduling and business time; microseconds for latency and
 * feed-lag measurement.
 */
export interface Clock {
  nowMs(): number;
  nowUs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};

/** A clock that moves only when told to: tests and backtests. */
export class ManualClock implements Clock {
  #nowUs: number;

  constructor(startMs: number) {
    this.#nowUs = startMs * 1000;
  }

  nowMs(): number {
    return Math.floor(this.#nowUs / 1000);
  }

  nowUs(): number {
    return this.#nowUs;
  }

  setMs(ms: number): void {
    this.#nowUs = ms * 1000;
  }

  advanceMs(ms: number): void {
    if (ms < 0) throw new RangeError('a clock never goes backwards');
    this.#nowUs += ms * 1000;
  }

  advanceUs(us: number): void {
    if (us < 0) throw new RangeError('a clock never goes backwards');
    this.#nowUs += us;
  }
}
