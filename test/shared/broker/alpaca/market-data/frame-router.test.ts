import { describe, expect, it } from 'vitest';
import { FrameRouter } from '../../../../../shared/broker/alpaca/market-data/frame-router.ts';
import type { StreamControlMessage } from '../../../../../shared/broker/alpaca/market-data/stream-messages.ts';
import { FeedMetrics, MessageKindIndex } from '../../../../../shared/venue/feed-metrics.ts';
import type { MarketDataMessage } from '../../../../../shared/venue/market-data-feed.ts';

const T = '2026-11-24T15:51:45.1Z';
const QUOTE = `{"T":"q","S":"AAPL","bp":100,"bs":1,"ap":100.02,"as":2,"t":"${T}"}`;
const TRADE = `{"T":"t","S":"AAPL","i":7,"p":100.01,"s":5,"t":"${T}"}`;

function router() {
  const metrics = new FeedMetrics();
  const seen: string[] = [];
  const frameRouter = new FrameRouter('test', 'json', metrics, {
    onControl: (message: StreamControlMessage) => seen.push(`control ${message.type}`),
    onData: (messages: readonly MarketDataMessage[]) =>
      seen.push(`data ${messages.map((message) => message.type).join(',')}`),
  });
  const route = (text: string, isBinary = false) => frameRouter.route(Buffer.from(text), isBinary, 0);
  return { metrics, seen, route };
}

describe('Class: FrameRouter', () => {
  it('hands a data frame on whole, frame after frame, and counts each message by kind', () => {
    const { metrics, seen, route } = router();
    route(`[${QUOTE},${TRADE}]`);
    route(`[${TRADE}]`);
    expect(seen).toEqual(['data quote,trade', 'data trade']);
    expect(metrics.messages[MessageKindIndex.quote]).toBe(1);
    expect(metrics.messages[MessageKindIndex.trade]).toBe(2);
  });

  it('gives control messages to the connection and only the data to the listener', () => {
    const { metrics, seen, route } = router();
    route(`[{"T":"success","msg":"authenticated"},${QUOTE}]`);
    route(`[${QUOTE}]`);
    expect(seen).toEqual(['control success', 'data quote', 'data quote']);
    expect(metrics.messages[MessageKindIndex.control]).toBe(1);
  });

  it('counts rejected frames and messages and delivers the valid rest', () => {
    const { metrics, seen, route } = router();
    route('[{"T":"q",');
    route(`[{"T":"q","S":"AAPL","bp":-1,"bs":1,"ap":1,"as":1,"t":"${T}"},${TRADE}]`);
    route(`[${QUOTE}]`, true);
    expect(seen).toEqual(['data trade']);
    expect(metrics.parseErrors).toBe(3);
  });

  it('times every frame, rejected or not, into the hot-path histogram', () => {
    const { metrics, route } = router();
    route(`[${QUOTE}]`);
    route('[{"T":"q",');
    expect(metrics.hotPath.count).toBe(2);
    expect(metrics.hotPath.percentiles()!.maxUs).toBeGreaterThan(0);
  });
});
