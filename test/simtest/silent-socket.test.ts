import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type { FeedGap, MarketDataMessage } from '../../shared/venue/market-data-feed.ts';
import { EventLog } from '../../simtest/event-log.ts';
import { SilentSocket } from '../../simtest/silent-socket.ts';

const T0 = 1_000_000;
const message = { type: 'status', symbol: 'AAPL' } as unknown as MarketDataMessage;

/** A socket over a listener that records what reaches it, on a clock the test moves. */
function socket() {
  let nowMs = T0;
  const heard: string[] = [];
  const gaps: FeedGap[] = [];
  const silent = new SilentSocket({
    inner: {
      onData: (_messages, receivedUs) => heard.push(`data ${receivedUs / 1000 - T0}`),
      onStateChange: (state: ConnectionState) => heard.push(state),
      onResumed: (gap) => gaps.push(gap),
    },
    nowMs: () => nowMs,
    log: new EventLog(() => nowMs),
    random: () => 0,
    staleAfterMs: 5_000,
    silenceTimeoutMs: 20_000,
  });
  /** Moves to `atMs` after T0, a message arriving each 200 ms step, and the deadlines checked. */
  const runTo = (atMs: number): void => {
    while (nowMs < T0 + atMs) {
      nowMs += 200;
      silent.onData([message], nowMs * 1000);
      silent.tick();
    }
  };
  return { silent, heard, gaps, runTo };
}

describe('Class: SilentSocket', () => {
  it('goes stale after the staleness threshold and is ready again, with the gap, when data comes back', () => {
    const { silent, heard, gaps, runTo } = socket();
    runTo(1_000);
    silent.silence(8_000);
    heard.length = 0;

    runTo(10_000);

    expect(heard.filter((line) => !line.startsWith('data'))).toStrictEqual(['stale', 'ready']);
    // Nothing arrived in the silence: the first data after it is at its end.
    expect(heard.find((line) => line.startsWith('data'))).toBe('data 9200');
    expect(gaps).toStrictEqual([{ startUs: (T0 + 1_000) * 1000, endUs: (T0 + 9_200) * 1000 }]);
  });

  it('replaces a socket silent past the zombie deadline, through the handshake, and hands on the gap', () => {
    const { silent, heard, gaps, runTo } = socket();
    runTo(1_000);
    silent.silence(40_000);
    heard.length = 0;

    runTo(30_000);

    expect(heard.filter((line) => !line.startsWith('data'))).toStrictEqual([
      'stale',
      'reconnecting',
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
    ]);
    // The new socket delivers at once, long before the old one's silence would have ended.
    expect(heard.find((line) => line.startsWith('data'))).toBe('data 21400');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.startUs).toBe((T0 + 1_000) * 1000);
  });

  it('passes everything through when no silence is under way', () => {
    const { heard, gaps, runTo } = socket();
    runTo(30_000);
    expect(heard.every((line) => line.startsWith('data'))).toBe(true);
    expect(heard).toHaveLength(150);
    expect(gaps).toStrictEqual([]);
  });
});
