import { describe, expect, it } from 'vitest';
import { bookCondition } from '../../../engine/book/best-bid-offer.ts';
import { MarketDataService } from '../../../engine/marketdata/market-data-service.ts';
import { StreamDecoder } from '../../../shared/broker/alpaca/market-data/stream-decoder.ts';
import type { StreamMessage } from '../../../shared/broker/alpaca/market-data/stream-messages.ts';
import type { Bar } from '../../../shared/domain/market-data.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { FeedMetrics } from '../../../shared/venue/feed-metrics.ts';
import type { MarketDataMessage } from '../../../shared/venue/market-data-feed.ts';

const T = '2026-11-24T15:00:00Z';
const T_US = Date.UTC(2026, 10, 24, 15) * 1000;

function service(bars: Bar[] = []) {
  const clock = new ManualClock(T_US / 1000);
  const md = new MarketDataService({
    clock,
    metrics: new FeedMetrics(),
    symbols: ['AAPL', 'BTC/USD'],
    staleAfterMs: 5_000,
    feedBarSymbols: ['AAPL'],
    onBar: (bar) => bars.push(bar),
  });
  const decoder = new StreamDecoder();
  const feed = (frame: string, receivedUs = T_US): void => {
    const out: StreamMessage[] = [];
    decoder.decodeFrame(frame, out);
    md.onData(out as MarketDataMessage[], receivedUs);
  };
  return { md, feed };
}

describe('Class: MarketDataService', () => {
  it('routes quotes to the top of book and order books to the L2 book, flagging a crossed book', () => {
    const { md, feed } = service();
    feed(`[{"T":"q","S":"AAPL","bp":100,"bs":1,"ap":100.02,"as":2,"t":"${T}"}]`);
    feed(`[{"T":"o","S":"BTC/USD","t":"${T}","b":[{"p":50000,"s":1}],"a":[{"p":50010,"s":1}],"r":true}]`);
    expect(md.topOfBook('AAPL')).toMatchObject({ bidPrice: 100, askPrice: 100.02 });
    expect(bookCondition(md.orderBook('BTC/USD')!)).toBe('normal');
    feed(`[{"T":"o","S":"BTC/USD","t":"${T}","b":[{"p":50020,"s":2}],"a":[]}]`);
    expect(bookCondition(md.orderBook('BTC/USD')!)).toBe('crossed');
    expect(md.orderBook('BTC/USD')!.bidPrice).toBe(50020);
    expect(md.isStale('AAPL', T_US + 1)).toBe(false);
    expect(md.isStale('BTC/USD', T_US + 1)).toBe(false);
  });

  it('keeps minute bars once each, applies updated bars as corrections and daily bars apart', () => {
    const bars: Bar[] = [];
    const { md, feed } = service(bars);
    const bar = (type: string, close: number) =>
      `{"T":"${type}","S":"AAPL","o":100,"h":101,"l":99,"c":${close},"v":10,"n":1,"vw":100,"t":"${T}"}`;
    feed(`[${bar('b', 100)}]`);
    feed(`[${bar('b', 100)}]`);
    feed(`[${bar('u', 100.5)}]`);
    feed(`[${bar('d', 100.5)}]`);
    expect(md.bars('AAPL')!.toArray()).toHaveLength(1);
    expect(md.bars('AAPL')!.latest).toMatchObject({ close: 100.5, kind: 'minute' });
    expect(bars.map((b) => b.kind)).toStrictEqual(['minute', 'updated']);
    expect(md.dailyBar('AAPL')).toMatchObject({ kind: 'daily', close: 100.5 });
  });

  it('marks every symbol stale on a connection loss and holds bars until the gap is backfilled', async () => {
    const bars: Bar[] = [];
    const { md, feed } = service(bars);
    feed(`[{"T":"q","S":"AAPL","bp":100,"bs":1,"ap":100.02,"as":2,"t":"${T}"}]`);
    md.onStateChange('reconnecting', 'ready');
    expect(md.freshness('AAPL', T_US)).toBe('in_gap');
    feed(`[{"T":"b","S":"AAPL","o":100,"h":101,"l":99,"c":100,"v":10,"t":"${T}"}]`);
    expect(bars).toStrictEqual([]);
    md.onResumed({ startUs: T_US, endUs: T_US + 1 }); // no history client: nothing to fetch
    await md.settled();
    expect(bars.map((b) => b.startUs)).toStrictEqual([T_US]);
  });
});
