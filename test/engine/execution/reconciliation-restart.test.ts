import { describe, expect, it } from 'vitest';
import { createExecutionEvents } from '../../../engine/execution/execution-events.ts';
import type { OrderGateway } from '../../../engine/execution/order-gateway.ts';
import type { OrderReports } from '../../../engine/execution/order-reports.ts';
import type { OrderTracker } from '../../../engine/execution/order-tracker.ts';
import { Reconciliation } from '../../../engine/execution/reconciliation.ts';
import { Portfolio } from '../../../engine/portfolio/portfolio.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { TradingCalendar } from '../../../shared/time/trading-calendar.ts';
import type { TradingVenue } from '../../../shared/venue/trading-venue.ts';
import type { VenuePosition } from '../../../shared/venue/venue-types.ts';

const f = parseFixed;
/** 2026-11-24 15:00 UTC, 10:00 in New York. */
const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);

/** Reconciliation over a venue that lists no orders and the given positions. */
function reconciliation(positions: Portfolio, venuePositions: VenuePosition[]) {
  const venue = {
    listOrders: async () => [],
    listPositions: async () => venuePositions,
    getAccount: async () => ({}),
  } as unknown as TradingVenue;
  const gateway = {
    query: <T>(request: (venue: TradingVenue) => Promise<T>) => request(venue),
  } as unknown as OrderGateway;
  return new Reconciliation({
    gateway,
    reports: { reconciled: () => undefined } as unknown as OrderReports,
    tracker: { openOrders: () => [] } as unknown as OrderTracker,
    positions,
    events: createExecutionEvents(),
    clock: new ManualClock(T0),
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
}

function position(qty: string, avgEntryPrice: string): VenuePosition {
  return {
    symbol: 'NVDA',
    assetClass: 'us_equity',
    qty: f(qty),
    avgEntryPrice: f(avgEntryPrice),
  } as VenuePosition;
}

describe('Class: Reconciliation at a restart', () => {
  it("takes the venue's average entry at the first sync even when the folded-in orders got the quantity right (simtest seed 57)", async () => {
    // Prepare: the session's orders folded in whole give 15 at 119.77; the venue holds 15 at 119.76789968.
    const portfolio = new Portfolio(new ManualClock(T0), new TradingCalendar());
    portfolio.restorePosition('NVDA', f('15'), f('119.77'));
    const sync = reconciliation(portfolio, [position('15', '119.76789968')]);

    // Act
    sync.onConnectionState('ready');
    await sync.resync();

    // Assess
    expect(portfolio.position('NVDA')).toMatchObject({ qty: f('15'), avgEntryPrice: f('119.76789968') });
  });

  it('keeps its own average entry at a later sync when the quantities agree', async () => {
    const portfolio = new Portfolio(new ManualClock(T0), new TradingCalendar());
    const venuePositions: VenuePosition[] = [];
    const sync = reconciliation(portfolio, venuePositions);
    sync.onConnectionState('ready');
    await sync.resync();
    portfolio.restorePosition('NVDA', f('15'), f('119.77'));
    venuePositions.push(position('15', '119.76789968'));

    sync.onConnectionState('reconnecting');
    sync.onConnectionState('ready');
    await sync.resync();

    expect(portfolio.position('NVDA').avgEntryPrice).toBe(f('119.77'));
  });
});
