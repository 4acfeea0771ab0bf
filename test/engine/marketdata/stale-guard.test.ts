import { describe, expect, it } from 'vitest';
import { StaleGuard } from '../../../engine/marketdata/stale-guard.ts';

const T0 = 1_795_000_000_000_000;

describe('Class: StaleGuard', () => {
  it('is stale with no data, fresh after an update, stale again past the threshold', () => {
    const guard = new StaleGuard(2_000);
    guard.track('AAPL');
    expect(guard.freshness('AAPL', T0)).toBe('no_data');
    guard.touch('AAPL', T0, T0 + 100);
    expect(guard.freshness('AAPL', T0 + 2_000_000)).toBe('fresh');
    expect(guard.freshness('AAPL', T0 + 2_000_001)).toBe('too_old');
    expect(guard.ageUs('AAPL', T0 + 5)).toBe(5);
  });

  it('answers stale for a symbol it does not follow', () => {
    const guard = new StaleGuard(2_000);
    expect(guard.freshness('MSFT', T0)).toBe('unknown_symbol');
    expect(guard.isStale('MSFT', T0)).toBe(true);
  });

  it('keeps every symbol of the feed stale through a gap until its own first update, and only those', () => {
    const guard = new StaleGuard(60_000);
    for (const symbol of ['AAPL', 'MSFT', 'BTC/USD']) {
      guard.track(symbol);
      guard.touch(symbol, T0, T0);
    }
    guard.beginGap(['AAPL', 'MSFT', 'NOT_TRACKED']);
    expect(guard.freshness('AAPL', T0 + 1)).toBe('in_gap');
    expect(guard.freshness('BTC/USD', T0 + 1)).toBe('fresh');
    guard.touch('AAPL', T0 + 10, T0 + 10);
    expect(guard.freshness('AAPL', T0 + 11)).toBe('fresh');
    expect(guard.freshness('MSFT', T0 + 11)).toBe('in_gap');
  });

  it('ages data by its exchange time, never later than its receipt, and never backwards', () => {
    const guard = new StaleGuard(1_000);
    guard.track('AAPL');
    guard.touch('AAPL', T0 - 5_000_000, T0); // a feed 5 s behind
    expect(guard.freshness('AAPL', T0)).toBe('too_old');
    guard.touch('AAPL', T0 + 9_000_000, T0 + 1); // a clock ahead of ours
    expect(guard.ageUs('AAPL', T0 + 1)).toBe(0);
    guard.touch('AAPL', T0 - 1, T0 + 2); // an older message after a newer one
    expect(guard.ageUs('AAPL', T0 + 2)).toBe(1);
  });

  it('applies a per-symbol threshold and grows past its initial capacity', () => {
    const guard = new StaleGuard(1_000);
    for (let i = 0; i < 40; i++) guard.track(`S${i}`);
    guard.track('SLOW', 10_000);
    for (const symbol of guard.symbols) guard.touch(symbol, T0, T0);
    expect(guard.freshness('S39', T0 + 5_000_000)).toBe('too_old');
    expect(guard.freshness('SLOW', T0 + 5_000_000)).toBe('fresh');
  });
});
