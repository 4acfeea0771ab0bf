import { ManualClock } from '../../../shared/time/clock.ts';
import type { SimContext } from '../../../sim/context.ts';

/** A Tuesday 10:00 in New York (15:00 UTC), inside the regular session. */
export const SESSION_START_MS = Date.UTC(2026, 10, 24, 15, 0, 0);

export function simContext(overrides: Partial<SimContext> = {}): SimContext {
  return {
    clock: new ManualClock(SESSION_START_MS),
    seed: 7,
    symbols: ['AAPL', 'SPY', 'BTC/USD'],
    messagesPerSecond: 2_000,
    credentials: { keyId: 'TESTKEY', secretKey: 'TESTSECRET' },
    sessionHours: 'always',
    ...overrides,
  };
}
