import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/time/clock.ts';
import { createMarket } from '../../../sim/market/market.ts';
import { simContext } from './market-fixture.ts';

describe('Module: simulated market on wall time', () => {
  it('emits from a timer between start and stop, stamped with wall time', async () => {
    const market = createMarket(simContext({ clock: systemClock, messagesPerSecond: 5_000 }));
    const stamps: number[] = [];
    market.onQuote((quote) => stamps.push(quote.timestampUs));
    const before = systemClock.nowUs();
    market.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    market.stop();
    const after = systemClock.nowUs();
    const count = stamps.length;
    expect(count).toBeGreaterThan(0);
    expect(stamps.every((us) => us >= before && us <= after)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stamps.length).toBe(count);
  });
});
