import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataService } from '../../../engine/marketdata/market-data-service.ts';
import type { Bar, Trade } from '../../../shared/domain/market-data.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { FeedMetrics } from '../../../shared/venue/feed-metrics.ts';
import type { BarMessage, HistoryResult, MarketDataHistory } from '../../../shared/venue/market-data-feed.ts';

const MINUTE = 60_000_000;
const T0 = 29_916_666 * MINUTE;

const venueBar = (minute: number): BarMessage => ({
  type: 'bar',
  symbol: 'AAPL',
  kind: 'minute',
  startUs: T0 + minute * MINUTE,
  open: 100 + minute,
  high: 101 + minute,
  low: 99 + minute,
  close: 100.5 + minute,
  volume: 1_000 + minute,
  tradeCount: 10,
  vwap: 100 + minute,
});

/** The venue's recorded bars, answering when the scheduler lets the response arrive. */
class ScheduledHistory implements MarketDataHistory {
  readonly #scheduler: fc.Scheduler;
  requests = 0;

  constructor(scheduler: fc.Scheduler) {
    this.#scheduler = scheduler;
  }

  fetchMinuteBars(_symbols: readonly string[], fromUs: number, toUs: number): Promise<HistoryResult<Bar>> {
    this.requests++;
    const items: Bar[] = [];
    for (let start = fromUs; start <= toUs; start += MINUTE) {
      const { type: _type, ...bar } = venueBar((start - T0) / MINUTE);
      items.push(bar);
    }
    return this.#scheduler.schedule(Promise.resolve({ ok: true as const, items }), 'history answers');
  }

  fetchTrades(): Promise<HistoryResult<Trade>> {
    return Promise.resolve({ ok: true, items: [] });
  }
}

describe('MarketDataService gap backfill (property)', () => {
  it('gives bar consumers every minute exactly once and in order, however the backfill and live bars interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        // Lost, or silent on the same socket: either way the gap is backfilled.
        fc.constantFrom('reconnecting', 'stale'),
        async (scheduler, lastBeforeLoss, missed, raceLastMissed, loss) => {
          const total = lastBeforeLoss + missed + 4;
          const firstAfter = lastBeforeLoss + missed + 1;
          const clock = new ManualClock(T0 / 1000);
          const seen: Bar[] = [];
          const service = new MarketDataService({
            clock,
            metrics: new FeedMetrics(),
            symbols: ['AAPL'],
            staleAfterMs: 60_000,
            feedBarSymbols: ['AAPL'],
            history: new ScheduledHistory(scheduler),
            onBar: (bar) => seen.push(bar),
          });
          for (let minute = 0; minute <= lastBeforeLoss; minute++) service.onData([venueBar(minute)], T0);

          service.onStateChange(loss, 'ready');
          service.onResumed({
            startUs: T0 + (lastBeforeLoss + 1) * MINUTE + 30_000_000,
            endUs: T0 + firstAfter * MINUTE + 10_000_000,
          });
          // Live bars after the resume, in order; the last missed minute may also arrive live.
          const live = [
            ...(raceLastMissed ? [firstAfter - 1] : []),
            ...Array.from({ length: total - firstAfter }, (_, i) => firstAfter + i),
          ];
          const deliveries = scheduler.scheduleSequence(
            live.map((minute) => ({
              label: `live bar ${minute}`,
              builder: async () => service.onData([venueBar(minute)], T0),
            })),
          );
          await scheduler.waitFor(deliveries.task);
          await scheduler.waitAll();
          await service.settled();

          const expected = Array.from({ length: total }, (_, minute) => T0 + minute * MINUTE);
          expect(
            service
              .bars('AAPL')!
              .toArray()
              .map((bar) => bar.startUs),
          ).toStrictEqual(expected);
          expect(seen.map((bar) => bar.startUs)).toStrictEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
