import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFeeRates } from '../../../../shared/config/load-config.ts';
import type { Fill } from '../../../../shared/domain/fill.ts';
import { parseFixed } from '../../../../shared/domain/fixed.ts';
import { FeeSchedule } from '../../../../shared/domain/regulatory-fees.ts';
import { dayRealizedPnl } from '../../../../shared/ops/post-market/day-realized-pnl.ts';
import { symbolActivity } from '../../../../shared/ops/post-market/fill-activity.ts';
import { postMarketFigures } from '../../../../shared/ops/post-market/post-market-figures.ts';
import { slippageSamples, slippageStats } from '../../../../shared/ops/post-market/slippage-stats.ts';
import { sampleOrder } from '../../store/store-fixtures.ts';

const f = parseFixed;
const FEES = new FeeSchedule(loadFeeRates(join(import.meta.dirname, '../../../../config/fees.toml')));
/** 2026-11-24 00:00 New York (EST). */
const DAY_START = Date.UTC(2026, 10, 24, 5, 0, 0);
const DAY_END = DAY_START + 86_400_000;
let sequence = 0;

function fill(symbol: string, side: 'buy' | 'sell', qty: string, price: string, clientOrderId = 'o-1'): Fill {
  sequence += 1;
  return {
    executionId: `x-${String(sequence).padStart(4, '0')}`,
    orderId: `id-${clientOrderId}`,
    clientOrderId,
    symbol,
    side,
    qty: f(qty),
    price: f(price),
    timestampMs: DAY_START + 15 * 3_600_000 + sequence,
  };
}

describe('dayRealizedPnl: the day realized P&L of one symbol, average cost', () => {
  it('undoes an added lot from the closing average to find the opening cost, then realizes against the blend', () => {
    // Open 10 @ 100.02; buy 5 @ 101.02 → 15 @ 100.3533…; sell 8 @ 103 → 8 × (103 − 1505.3/15).
    const result = dayRealizedPnl({
      symbol: 'AAPL',
      fills: [fill('AAPL', 'buy', '5', '101.02'), fill('AAPL', 'sell', '8', '103')].reverse(),
      closing: { qty: f('7'), avgEntryPrice: f('100.353333333') },
      snapshot: null,
    });
    expect(result).toStrictEqual({
      symbol: 'AAPL',
      openingQty: f('10'),
      openingAvgEntryPrice: f('100.02'),
      openingCostSource: 'reconstructed',
      realizedPnl: f('21.173333333'),
    });
  });

  it('takes the opening cost from the engine snapshot taken before the first fill', () => {
    const sell = fill('AAPL', 'sell', '4', '105');
    const result = dayRealizedPnl({
      symbol: 'AAPL',
      fills: [sell],
      closing: { qty: f('6'), avgEntryPrice: f('100') },
      snapshot: { qty: f('10'), avgEntryPrice: f('100'), asOfMs: sell.timestampMs - 86_400_000 },
    });
    expect(result).toMatchObject({ openingCostSource: 'snapshot', realizedPnl: f('20') });
  });

  it('needs no opening cost for a round trip from flat', () => {
    const result = dayRealizedPnl({
      symbol: 'MSFT',
      fills: [fill('MSFT', 'buy', '10', '50'), fill('MSFT', 'sell', '10', '49.5')],
      closing: { qty: f('0'), avgEntryPrice: f('0') },
      snapshot: null,
    });
    expect(result).toStrictEqual({
      symbol: 'MSFT',
      openingQty: f('0'),
      openingAvgEntryPrice: null,
      openingCostSource: 'flat',
      realizedPnl: f('-5'),
    });
  });

  it('reconstructs a short: covering keeps the average, adding moves it', () => {
    const covered = dayRealizedPnl({
      symbol: 'SPY',
      fills: [fill('SPY', 'buy', '6', '48')],
      closing: { qty: f('-4'), avgEntryPrice: f('50') },
      snapshot: null,
    });
    expect(covered).toMatchObject({
      openingQty: f('-10'),
      openingAvgEntryPrice: f('50'),
      realizedPnl: f('12'),
    });
    const added = dayRealizedPnl({
      symbol: 'SPY',
      fills: [fill('SPY', 'sell', '5', '51.2')],
      closing: { qty: f('-15'), avgEntryPrice: f('50.4') },
      snapshot: null,
    });
    expect(added).toMatchObject({ openingQty: f('-10'), openingAvgEntryPrice: f('50'), realizedPnl: f('0') });
  });

  it('says unknown, not a guess, when an opening position went flat and the snapshot is newer', () => {
    const fills = [fill('AAPL', 'sell', '10', '101'), fill('AAPL', 'buy', '3', '99')];
    const closing = { qty: f('3'), avgEntryPrice: f('99') };
    const newer = { qty: f('3'), avgEntryPrice: f('99'), asOfMs: fills[1]!.timestampMs };
    expect(dayRealizedPnl({ symbol: 'AAPL', fills, closing, snapshot: newer })).toStrictEqual({
      symbol: 'AAPL',
      openingQty: f('10'),
      openingAvgEntryPrice: null,
      openingCostSource: 'unknown',
      realizedPnl: null,
    });
    const older = { qty: f('10'), avgEntryPrice: f('100'), asOfMs: DAY_START - 1 };
    expect(dayRealizedPnl({ symbol: 'AAPL', fills, closing, snapshot: older })).toMatchObject({
      openingCostSource: 'snapshot',
      realizedPnl: f('10'),
    });
  });
});

describe('slippage statistics', () => {
  it('counts, averages, takes the median, the nearest-rank p95 and the worst, positive = worse', () => {
    const reference = f('100');
    const fills = [
      fill('AAPL', 'buy', '1', '99.99', 'a'),
      fill('AAPL', 'buy', '1', '100', 'b'),
      fill('AAPL', 'buy', '1', '100.02', 'c'),
      fill('AAPL', 'sell', '1', '99.95', 'd'),
      fill('AAPL', 'sell', '1', '99', 'external'),
    ];
    const { samples, unmeasured } = slippageSamples(fills, (id) => (id === 'external' ? null : reference));
    const stats = slippageStats(samples, unmeasured);
    expect(samples.map((sample) => sample.bps)).toStrictEqual([
      expect.closeTo(-1, 9),
      0,
      expect.closeTo(2, 9),
      expect.closeTo(5, 9),
    ]);
    expect(stats).toMatchObject({ count: 4, unmeasured: 1 });
    expect(stats.meanBps).toBeCloseTo(1.5, 9);
    expect(stats.medianBps).toBeCloseTo(1, 9);
    expect(stats.p95Bps).toBeCloseTo(5, 9);
    expect(stats.worst?.clientOrderId).toBe('d');
    expect(slippageStats([], 2)).toStrictEqual({
      count: 0,
      unmeasured: 2,
      meanBps: null,
      medianBps: null,
      p95Bps: null,
      worst: null,
    });
  });
});

describe('fill activity and estimated regulatory fees (config/fees.toml)', () => {
  it('charges sales SEC fee and TAF, each rounded up to the cent, TAF capped; buys and crypto pay none', () => {
    const activity = symbolActivity(
      [
        fill('AAPL', 'buy', '5', '101.02', 'a'),
        // SEC 824 × 27.80e-6 = 0.0229 → 0.03; TAF 8 × 0.000166 = 0.0013 → 0.01.
        fill('AAPL', 'sell', '8', '103', 'b'),
        fill('AAPL', 'sell', '2', '103.5', 'b'),
        // SEC 100000 × 27.80e-6 = 2.78; TAF 16.60 capped at 8.30.
        fill('PENNY', 'sell', '100000', '1', 'c'),
        fill('BTC/USD', 'sell', '0.5', '90000', 'd'),
      ],
      FEES,
      (symbol) => symbol.includes('/'),
    );
    expect(activity).toStrictEqual([
      {
        symbol: 'AAPL',
        fills: 3,
        orders: 2,
        boughtQty: f('5'),
        soldQty: f('10'),
        boughtNotional: f('505.1'),
        soldNotional: f('1031'),
        // second sale: SEC 207 × 27.80e-6 = 0.0058 → 0.01; TAF 0.0003 → 0.01.
        estimatedFees: f('0.06'),
      },
      {
        symbol: 'BTC/USD',
        fills: 1,
        orders: 1,
        boughtQty: f('0'),
        soldQty: f('0.5'),
        boughtNotional: f('0'),
        soldNotional: f('45000'),
        estimatedFees: f('0'),
      },
      {
        symbol: 'PENNY',
        fills: 1,
        orders: 1,
        boughtQty: f('0'),
        soldQty: f('100000'),
        boughtNotional: f('0'),
        soldNotional: f('100000'),
        estimatedFees: f('11.08'),
      },
    ]);
  });
});

describe('postMarketFigures: the whole day', () => {
  const inputs = () => {
    const buy = { ...fill('AAPL', 'buy', '5', '101.02', 'ae1-buy'), timestampMs: DAY_START + 54_000_000 };
    const sell = { ...fill('AAPL', 'sell', '8', '103', 'ae1-sell'), timestampMs: DAY_START + 55_000_000 };
    const yesterday = { ...fill('AAPL', 'buy', '10', '100.02', 'ae1-old'), timestampMs: DAY_START - 1 };
    return {
      newYorkDate: '2026-11-24',
      session: { date: '2026-11-24', open: '09:30', close: '16:00' },
      dayStartMs: DAY_START,
      dayEndMs: DAY_END,
      fills: [sell, buy, yesterday],
      orders: [
        sampleOrder({
          clientOrderId: 'ae1-buy',
          side: 'buy',
          referencePrice: f('101.01'),
          status: 'filled',
          createdAtMs: buy.timestampMs,
          updatedAtMs: buy.timestampMs,
        }),
        sampleOrder({
          clientOrderId: 'ae1-sell',
          side: 'sell',
          referencePrice: f('103.01'),
          status: 'filled',
          createdAtMs: sell.timestampMs,
          updatedAtMs: sell.timestampMs,
        }),
        sampleOrder({
          clientOrderId: 'ae1-open',
          status: 'new',
          createdAtMs: DAY_START + 1,
          updatedAtMs: DAY_START + 1,
        }),
        sampleOrder({
          clientOrderId: 'ae1-old',
          status: 'filled',
          createdAtMs: DAY_START - 10,
          updatedAtMs: DAY_START - 1,
        }),
      ],
      snapshots: [
        {
          symbol: 'AAPL',
          assetClass: 'us_equity' as const,
          qty: f('7'),
          avgEntryPrice: f('100.353333333'),
          realizedPnl: f('21.173333333'),
          asOfMs: sell.timestampMs,
        },
      ],
      riskEvents: [
        {
          eventId: 'r1',
          atMs: DAY_START + 1_000,
          kind: 'order_denied',
          reasonCode: 'max_position',
          symbol: 'AAPL',
          intentId: 'i1',
          detail: {},
        },
        {
          eventId: 'r2',
          atMs: DAY_START + 2_000,
          kind: 'order_denied',
          reasonCode: 'max_position',
          symbol: 'AAPL',
          intentId: 'i2',
          detail: {},
        },
      ],
      breakerTransitions: [],
      brokerPositions: [
        {
          symbol: 'AAPL',
          assetClass: 'us_equity' as const,
          qty: f('7'),
          avgEntryPrice: f('100.353333333'),
          marketValue: f('728.07'),
          unrealizedPnl: f('25.596666669'),
        },
        {
          symbol: 'MSFT',
          assetClass: 'us_equity' as const,
          qty: f('1'),
          avgEntryPrice: f('400'),
          marketValue: null,
          unrealizedPnl: null,
        },
      ],
      account: { equity: f('100046.77'), lastEquity: f('100000') },
      fees: FEES,
      unreadableItems: [],
    };
  };

  it('sums the day: realized from fills, unrealized from the broker, equity change, fees, trades and slippage', () => {
    const figures = postMarketFigures(inputs());
    expect(figures.pnl).toStrictEqual({
      realized: f('21.173333333'),
      realizedUnknown: [],
      unrealized: f('25.596666669'),
      unrealizedMissing: ['MSFT'],
      equity: f('100046.77'),
      lastEquity: f('100000'),
      equityChange: f('46.77'),
      estimatedFees: f('0.04'),
    });
    expect(figures.fillCount).toBe(2);
    expect(figures.ordersOfDay).toStrictEqual({ total: 3, byStatus: { filled: 2, new: 1 } });
    expect(
      figures.trades.map((trade) => [trade.clientOrderId, trade.filledToday, trade.avgFillPrice]),
    ).toStrictEqual([
      ['ae1-buy', f('5'), f('101.02')],
      ['ae1-sell', f('8'), f('103')],
    ]);
    expect(figures.trades[0]!.slippageBps).toBeCloseTo((0.01 / 101.01) * 10_000, 9);
    expect(figures.slippage.count).toBe(2);
    expect(figures.slippage.worst?.clientOrderId).toBe('ae1-buy');
    expect(figures.positions.map((position) => [position.symbol, position.engineQty])).toStrictEqual([
      ['AAPL', f('7')],
      ['MSFT', null],
    ]);
    expect(figures.riskEvents.counts).toStrictEqual([
      { kind: 'order_denied', reasonCode: 'max_position', count: 2 },
    ]);
    expect(figures.attention).toStrictEqual([]);
  });

  it('asks for attention on a breaker trip, a kill switch and unreadable items, not on a recovery', () => {
    const day = inputs();
    const figures = postMarketFigures({
      ...day,
      breakerTransitions: [
        {
          from: 'normal',
          to: 'halted',
          reason: 'kill_switch',
          detail: '',
          operator: 'ops',
          atMs: DAY_START + 3_000,
        },
        {
          from: 'halted',
          to: 'normal',
          reason: 'operator_reset',
          detail: '',
          operator: 'ops',
          atMs: DAY_START + 4_000,
        },
      ],
      riskEvents: [
        ...day.riskEvents,
        {
          eventId: 'r3',
          atMs: DAY_START + 3_000,
          kind: 'kill_switch',
          reasonCode: 'kill_switch',
          symbol: null,
          intentId: null,
          detail: {},
        },
      ],
      unreadableItems: ['state item pk="acct#order" sk="x" (order): corrupt'],
    });
    expect(figures.attention).toStrictEqual([
      'breaker tripped normal → halted (kill_switch)',
      'kill switch used 1 time(s)',
      '1 stored item(s) could not be read',
    ]);
  });
});
