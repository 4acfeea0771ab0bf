/**
 * The bar venue's fill rule (sim/trading/bar-fill-rule.ts) and fees (shared/domain/regulatory-fees.ts)
 * through the venue port, bar by bar, against prices worked out by hand.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFeeRates } from '../../shared/config/load-config.ts';
import { type Fixed, fixedToNumber, parseFixed } from '../../shared/domain/fixed.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import type { OrderRequest, VenueOrderEvent } from '../../shared/venue/venue-types.ts';
import { type BarVenue, createBarVenue } from '../../sim/bar-venue.ts';

const f = parseFixed;
/** The shipped rates: SEC $27.80 per million, TAF $0.000166 a share up to $8.30, no commission. */
const FEES = loadFeeRates(join(import.meta.dirname, '../../config/fees.toml'));
const DAY = '2026-11-24';
const OPEN_MS = newYorkToUtcMs(DAY, 9 * 60 + 30);
const MINUTE = 60_000;

interface Harness {
  readonly bars: BarVenue;
  readonly fills: { readonly clientOrderId: string; readonly price: number; readonly qty: number }[];
  readonly statuses: Map<string, string>;
  /** Bar `n` minutes after the open: [open, high, low, close], volume 10,000. */
  bar(symbol: string, minute: number, ohlc: readonly [number, number, number, number], date?: string): void;
  send(request: Partial<OrderRequest> & Pick<OrderRequest, 'side' | 'type' | 'clientOrderId'>): Promise<void>;
}

let open: BarVenue | undefined;
afterEach(() => {
  open?.close();
  open = undefined;
});

function harness(
  options: Parameters<typeof createBarVenue>[0] extends infer O ? Partial<O> : never = {},
): Harness {
  const clock = new ManualClock(OPEN_MS - MINUTE);
  const bars = createBarVenue({
    clock,
    symbols: ['AAPL', 'BTC/USD'],
    startingCash: '1000000',
    fees: FEES,
    ...options,
  });
  open = bars;
  const fills: Harness['fills'] = [];
  const statuses = new Map<string, string>();
  bars.venue.onOrderEvent((event: VenueOrderEvent) => {
    statuses.set(event.order.clientOrderId, event.order.status);
    if (event.execution !== null) {
      fills.push({
        clientOrderId: event.order.clientOrderId,
        price: fixedToNumber(event.execution.price),
        qty: fixedToNumber(event.execution.qty),
      });
    }
  });
  bars.venue.start();
  return {
    bars,
    fills,
    statuses,
    bar(symbol, minute, [o, h, l, c], date = DAY) {
      const startMs = newYorkToUtcMs(date, 9 * 60 + 30 + minute);
      bars.advanceTo(startMs);
      bars.openBar(symbol, o, h, l, 10_000);
      bars.advanceTo(startMs + MINUTE);
      bars.closeBar(symbol, c, startMs + MINUTE);
    },
    async send(request) {
      await bars.venue.submitOrder({ symbol: 'AAPL', qty: f('10'), timeInForce: 'day', ...request });
      bars.advanceTo(clock.nowMs());
    },
  };
}

describe('the bar fill rule', () => {
  it('fills a market order whole at the next bar open, not at the close it was decided on', async () => {
    const h = harness();
    h.bar('AAPL', 0, [100, 101, 99, 100.5]);
    await h.send({ side: 'buy', type: 'market', clientOrderId: 'm1' });
    expect(h.fills).toEqual([]);
    h.bar('AAPL', 1, [100.7, 101, 100.2, 100.9]);
    expect(h.fills).toEqual([{ clientOrderId: 'm1', price: 100.7, qty: 10 }]);
  });

  it('adds slippage to a taker: 10 bps on 100.00 is 100.10 for a buy, 99.90 for a sell', async () => {
    const h = harness({ slippage: { fixedBps: 10, sizeImpactBps: 0 } });
    await h.send({ side: 'buy', type: 'market', clientOrderId: 'b' });
    h.bar('AAPL', 0, [100, 100.5, 99.5, 100]);
    await h.send({ side: 'sell', type: 'market', clientOrderId: 's' });
    h.bar('AAPL', 1, [100, 100.5, 99.5, 100]);
    expect(h.fills.map((fill) => fill.price)).toEqual([100.1, 99.9]);
  });

  it('fills a resting limit at its price when the range touches it exactly, and not a cent short of it', async () => {
    const h = harness({ slippage: { fixedBps: 10, sizeImpactBps: 0 } });
    await h.send({ side: 'buy', type: 'limit', limitPrice: f('99.50'), clientOrderId: 'l1' });
    h.bar('AAPL', 0, [100, 100.4, 99.51, 100]);
    expect(h.fills).toEqual([]);
    h.bar('AAPL', 1, [100, 100.4, 99.5, 99.8]);
    // At the limit, and no slippage: a resting order is the maker.
    expect(h.fills).toEqual([{ clientOrderId: 'l1', price: 99.5, qty: 10 }]);
  });

  it('fills a limit the market gapped through at the open, the better price', async () => {
    const h = harness();
    await h.send({ side: 'buy', type: 'limit', limitPrice: f('99.50'), clientOrderId: 'l2' });
    h.bar('AAPL', 0, [99, 99.4, 98.6, 99.2]);
    expect(h.fills).toEqual([{ clientOrderId: 'l2', price: 99, qty: 10 }]);
  });

  it('fills a sell stop at the stop when the range reaches it, at the open when it gapped through', async () => {
    const h = harness();
    await h.send({ side: 'buy', type: 'market', qty: f('20'), clientOrderId: 'entry' });
    h.bar('AAPL', 0, [100, 100, 100, 100]);
    await h.send({ side: 'sell', type: 'stop', stopPrice: f('95'), clientOrderId: 'stop-touch' });
    h.bar('AAPL', 1, [96, 96.5, 94, 94.5]);
    await h.send({ side: 'sell', type: 'stop', stopPrice: f('92'), clientOrderId: 'stop-gap' });
    h.bar('AAPL', 2, [93.5, 94, 93, 93.2]);
    expect(h.fills.slice(1)).toEqual([{ clientOrderId: 'stop-touch', price: 95, qty: 10 }]);
    h.bar('AAPL', 3, [90, 91, 89, 90.5]);
    expect(h.fills.slice(2)).toEqual([{ clientOrderId: 'stop-gap', price: 90, qty: 10 }]);
  });

  it('fills a buy stop at the stop, plus slippage', async () => {
    const h = harness({ slippage: { fixedBps: 10, sizeImpactBps: 0 } });
    await h.send({ side: 'buy', type: 'stop', stopPrice: f('101'), clientOrderId: 'bs' });
    h.bar('AAPL', 0, [100, 100.9, 99.8, 100.5]);
    expect(h.fills).toEqual([]);
    h.bar('AAPL', 1, [100.5, 101.3, 100.4, 101.2]);
    // 101 + 10 bps = 101.101, rounded up to the cent against the buyer.
    expect(h.fills).toEqual([{ clientOrderId: 'bs', price: 101.11, qty: 10 }]);
  });

  it('holds a stop-limit that gapped past its limit, then fills it as a limit', async () => {
    const h = harness();
    await h.send({
      side: 'buy',
      type: 'stop_limit',
      stopPrice: f('101'),
      limitPrice: f('101.50'),
      clientOrderId: 'sl',
    });
    h.bar('AAPL', 0, [102, 102.5, 101.8, 102.2]);
    expect(h.fills).toEqual([]);
    h.bar('AAPL', 1, [101.8, 102, 101.2, 101.4]);
    expect(h.fills).toEqual([{ clientOrderId: 'sl', price: 101.5, qty: 10 }]);
  });

  it('trails a sell stop under the best high of the bars before', async () => {
    const h = harness();
    await h.send({ side: 'buy', type: 'market', clientOrderId: 'entry' });
    h.bar('AAPL', 0, [100, 100, 100, 100]);
    await h.send({ side: 'sell', type: 'trailing_stop', trailPrice: f('1'), clientOrderId: 'trail' });
    // Stop 100 - 1 = 99 (from this bar's open); the low 99.5 does not reach it; the high 102 is the new best.
    h.bar('AAPL', 1, [100, 102, 99.5, 101.5]);
    expect(h.fills.length).toBe(1);
    // Stop 102 - 1 = 101: reached by the low 100.5, filled at 101.
    h.bar('AAPL', 2, [101.5, 101.8, 100.5, 100.8]);
    expect(h.fills.slice(1)).toEqual([{ clientOrderId: 'trail', price: 101, qty: 10 }]);
  });

  it('expires a day order when a bar of the next session arrives, and keeps a gtc one', async () => {
    const h = harness();
    await h.send({ side: 'buy', type: 'limit', limitPrice: f('90'), clientOrderId: 'day' });
    await h.send({
      side: 'buy',
      type: 'limit',
      limitPrice: f('90'),
      timeInForce: 'gtc',
      clientOrderId: 'gtc',
    });
    h.bar('AAPL', 0, [100, 100.5, 99.5, 100]);
    h.bar('AAPL', 389, [100, 100.5, 99.5, 100]);
    expect(h.statuses.get('day')).toBe('new');
    h.bar('AAPL', 0, [100, 100.5, 99.5, 100], '2026-11-25');
    expect(h.statuses.get('day')).toBe('expired');
    expect(h.statuses.get('gtc')).toBe('new');
  });

  it('lets a day order decided on the last bar of a session work through the next session', async () => {
    const h = harness();
    h.bar('AAPL', 389, [100, 100.5, 99.5, 100]);
    await h.send({ side: 'buy', type: 'market', clientOrderId: 'overnight' });
    h.bar('AAPL', 0, [101, 101.5, 100.5, 101], '2026-11-25');
    expect(h.fills).toEqual([{ clientOrderId: 'overnight', price: 101, qty: 10 }]);
  });
});

describe('fees on sales', () => {
  const cash = (h: Harness): number => fixedToNumber(h.bars.ledger.cash);

  it('charges the SEC fee and FINRA TAF on a sale, each rounded up to the cent, and nothing on a buy', async () => {
    const h = harness();
    await h.send({ side: 'buy', type: 'market', qty: f('100'), clientOrderId: 'buy' });
    h.bar('AAPL', 0, [50, 50, 50, 50]);
    expect(cash(h)).toBe(1_000_000 - 5_000);
    await h.send({ side: 'sell', type: 'market', qty: f('100'), clientOrderId: 'sell' });
    h.bar('AAPL', 1, [50, 50, 50, 50]);
    // SEC: 5,000 × 27.80 / 1,000,000 = 0.139 → 0.14; TAF: 100 × 0.000166 = 0.0166 → 0.02.
    expect(fixedToNumber(h.bars.ledger.feesPaid)).toBe(0.16);
    expect(cash(h)).toBe(1_000_000 - 0.16);
  });

  it('caps the TAF at $8.30 per trade', async () => {
    const h = harness({
      fees: { secFeePerMillion: 0, tafPerShare: 0.000166, tafMaxPerTrade: 8.3, commissionPerShare: 0 },
    });
    await h.send({ side: 'buy', type: 'market', qty: f('100000'), clientOrderId: 'buy' });
    h.bar('AAPL', 0, [5, 5, 5, 5]);
    await h.send({ side: 'sell', type: 'market', qty: f('100000'), clientOrderId: 'sell' });
    h.bar('AAPL', 1, [5, 5, 5, 5]);
    // 100,000 × 0.000166 = 16.60, capped.
    expect(fixedToNumber(h.bars.ledger.feesPaid)).toBe(8.3);
  });

  it('charges crypto no equity fees', async () => {
    const h = harness();
    await h.send({
      symbol: 'BTC/USD',
      side: 'buy',
      type: 'market',
      qty: f('1'),
      timeInForce: 'gtc',
      clientOrderId: 'b',
    });
    h.bar('BTC/USD', 0, [60_000, 60_000, 60_000, 60_000]);
    await h.send({
      symbol: 'BTC/USD',
      side: 'sell',
      type: 'market',
      qty: f('1'),
      timeInForce: 'gtc',
      clientOrderId: 's',
    });
    h.bar('BTC/USD', 1, [60_000, 60_000, 60_000, 60_000]);
    expect(h.bars.ledger.feesPaid).toBe(0n as Fixed);
  });
});
