/** Minute bars of a seeded random walk (about 10 bps a minute), for tests that need a market's texture. */
import type { Bar } from '../../shared/domain/market-data.ts';
import { MINUTE_US } from './minute-bars.ts';

export function randomWalkBars(symbol: string, count: number, seed: number, firstMinute = 1_000): Bar[] {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    // xorshift32: deterministic and good enough to texture a price series.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
  const bars: Bar[] = [];
  let close = 100;
  for (let i = 0; i < count; i++) {
    const open = close;
    close = open * (1 + (uniform() - 0.5) * 0.002);
    const high = Math.max(open, close) * (1 + uniform() * 0.0005);
    const low = Math.min(open, close) * (1 - uniform() * 0.0005);
    bars.push({
      symbol,
      kind: 'minute',
      startUs: (firstMinute + i) * MINUTE_US,
      open,
      high,
      low,
      close,
      volume: 100 + Math.floor(uniform() * 900),
      tradeCount: 10,
      vwap: (open + close) / 2,
    });
  }
  return bars;
}
