/**
 * What every part of the simulator is built from. The simulator imports shared/ but nothing
 * from engine/: it stands in for Alpaca, so it must not share the engine's assumptions.
 */
import type { Clock } from '../shared/time/clock.ts';

export interface SimCredentials {
  readonly keyId: string;
  readonly secretKey: string;
}

export interface SimContext {
  /** Wall time (systemClock) or a virtual clock the caller drives (ManualClock) for backtests. */
  readonly clock: Clock;
  readonly seed: number;
  readonly symbols: readonly string[];
  /** Target market-data messages per second across all symbols. */
  readonly messagesPerSecond: number;
  readonly credentials: SimCredentials;
  /** 'always': the market is open all day, every day; 'nyse': real session hours and calendar. */
  readonly sessionHours: 'always' | 'nyse';
}
