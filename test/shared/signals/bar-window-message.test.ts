import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../shared/domain/market-data.ts';
import {
  barWindowMessage,
  parseBarWindowMessage,
  windowBars,
} from '../../../shared/signals/bar-window-message.ts';

const bar = (minute: number, close = 100): Bar => ({
  symbol: 'AAPL',
  kind: 'minute',
  startUs: minute * 60_000_000,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 1_000,
  tradeCount: 10,
  vwap: close,
});

describe('Schema: bar-window message', () => {
  it('round-trips a window of closed bars and gives back the same domain bars', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 2, max: 10_000, noNaN: true }),
        (minutes, close) => {
          const bars = [...minutes].sort((a, b) => a - b).map((minute) => bar(minute, close));
          const message = barWindowMessage('AAPL', bars, 1_800_000_000_000);
          // The engine's bars are feed messages: what a Bar does not have stays out of the body.
          const asFeedMessages = barWindowMessage(
            'AAPL',
            bars.map((b) => ({ ...b, type: 'bar' as const })),
            1_800_000_000_000,
          );
          expect(asFeedMessages).toStrictEqual(message);
          const parsed = parseBarWindowMessage(JSON.stringify(message));
          expect(parsed).toStrictEqual({ ok: true, value: message });
          if (parsed.ok) expect(windowBars(parsed.value)).toStrictEqual(bars);
        },
      ),
    );
  });

  const valid = barWindowMessage('AAPL', [bar(1), bar(2)], 1);
  it.each([
    ['no bars', { ...valid, bars: [] }, 'bars: must hold at least the closed bar'],
    ['bars out of order', { ...valid, bars: [valid.bars[1], valid.bars[0]] }, 'bars.1.startUs'],
    ['a repeated minute', { ...valid, bars: [valid.bars[0], valid.bars[0]] }, 'ascending startUs'],
    [
      'high below low',
      { ...valid, bars: [{ ...valid.bars[0], high: 98, low: 99 }] },
      'high must be at least low',
    ],
    ['a close outside the range', { ...valid, bars: [{ ...valid.bars[0], close: 200 }] }, 'close must lie'],
    ['a negative price', { ...valid, bars: [{ ...valid.bars[0], low: -1 }] }, 'bars.0.low'],
    ['an infinite volume', { ...valid, bars: [{ ...valid.bars[0], volume: 'Infinity' }] }, 'bars.0.volume'],
    ['another version', { ...valid, version: 2 }, 'version'],
  ])('rejects %s, naming what is wrong', (_case, body, reason) => {
    const parsed = parseBarWindowMessage(JSON.stringify(body));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
