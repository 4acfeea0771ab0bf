import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics, MessageKindIndex } from '../../shared/venue/feed-metrics.ts';
import type { MarketDataListener, MarketDataMessage } from '../../shared/venue/market-data-feed.ts';
import { createInProcessVenue } from '../../sim/in-process-venue.ts';

const START_MS = Date.UTC(2026, 11, 2, 15, 0, 0);
const EVERYTHING = {
  trades: ['*'],
  quotes: ['*'],
  bars: ['*'],
  updatedBars: ['*'],
  dailyBars: ['*'],
  statuses: ['*'],
  lulds: ['*'],
  orderbooks: ['*'],
};

describe('In-process market-data feed', () => {
  it('delivers every event of a generated market, in its order, each once, counted as the adapter counts', () => {
    const clock = new ManualClock(START_MS);
    const subject = createInProcessVenue({ clock, symbols: ['AAPL', 'SPY', 'BTC/USD'], market: 'generated' });
    const market = subject.market;
    const expected: string[] = [];
    market.onQuote((q) => expected.push(`quote ${q.symbol} ${q.timestampUs}`));
    market.onTrade((t) => expected.push(`trade ${t.symbol} ${t.id}`));
    market.onBar((b) => expected.push(`bar ${b.kind} ${b.symbol} ${b.startUs}`));
    market.onLuld((l) => expected.push(`luld ${l.symbol} ${l.timestampUs}`));
    market.onOrderBook((o) => expected.push(`orderbook ${o.symbol} ${o.timestampUs}`));
    const received: string[] = [];
    let misfits = 0;
    const metrics = new FeedMetrics();
    const feed = subject.openFeed({
      subscription: EVERYTHING,
      metrics,
      listener: {
        onData(messages: readonly MarketDataMessage[], receivedUs: number) {
          const m = messages[0]!;
          if (messages.length !== 1 || receivedUs < (m.type === 'bar' ? m.startUs : m.timestampUs)) misfits++;
          if (m.type === 'quote') received.push(`quote ${m.symbol} ${m.timestampUs}`);
          else if (m.type === 'trade') {
            if ((m.takerSide === 'unknown') !== (m.symbol !== 'BTC/USD')) misfits++;
            received.push(`trade ${m.symbol} ${m.id}`);
          } else if (m.type === 'bar') received.push(`bar ${m.kind} ${m.symbol} ${m.startUs}`);
          else if (m.type === 'luld') received.push(`luld ${m.symbol} ${m.timestampUs}`);
          else if (m.type === 'orderbook' && !m.reset)
            received.push(`orderbook ${m.symbol} ${m.timestampUs}`);
        },
      },
    });
    feed.start();
    for (let ms = START_MS; ms <= START_MS + 150_000; ms += 1_000) subject.advanceTo(ms);
    expect(received.length).toBeGreaterThan(100_000);
    expect(misfits).toBe(0);
    expect(received).toStrictEqual(expected);
    const kinds = expected.map((line) => line.split(' ')[0]! + (line.includes('updated') ? ':updated' : ''));
    expect(kinds).toContain('bar:updated');
    const counted = metrics.messages;
    expect(counted[MessageKindIndex.quote]).toBe(kinds.filter((k) => k === 'quote').length);
    expect(counted[MessageKindIndex.bar]).toBe(kinds.filter((k) => k.startsWith('bar')).length);
    // The subscription's book snapshot is counted too.
    expect(counted[MessageKindIndex.orderbook]).toBe(kinds.filter((k) => k === 'orderbook').length + 1);
    subject.close();
    expect(feed.state).toBe('stopped');
  });

  it('starts once, stops for good, and gives a listener that moves the market an array of its own', async () => {
    const clock = new ManualClock(START_MS);
    const subject = createInProcessVenue({ clock, symbols: ['AAPL'] });
    const batches: string[][] = [];
    const states: string[] = [];
    const listener: MarketDataListener = {
      onData(messages) {
        batches.push(messages.map((m) => (m.type === 'quote' ? `${m.type} ${m.bidPrice}` : m.type)));
        // A strategy reacting by moving the market (a test's scripted reaction): nested delivery.
        if (messages[0]!.type === 'quote' && messages[0]!.bidPrice === 100)
          subject.market.setQuote('AAPL', { bidPrice: 101, askPrice: 101.01 });
        expect(messages).toHaveLength(1);
      },
      onStateChange: (state, previous) => states.push(`${previous}→${state}`),
    };
    const feed = subject.openFeed({ subscription: { quotes: ['AAPL'] }, listener });
    feed.start();
    feed.start();
    subject.market.setQuote('AAPL', { bidPrice: 100, askPrice: 100.01 });
    expect(batches).toStrictEqual([['quote 100'], ['quote 101']]);
    await feed.stop();
    feed.start();
    subject.market.setQuote('AAPL', { bidPrice: 102, askPrice: 102.01 });
    expect(batches).toHaveLength(2);
    expect(states).toStrictEqual(['idle→ready', 'ready→stopped']);
    expect(feed.state).toBe('stopped');
    subject.close();
  });
});
