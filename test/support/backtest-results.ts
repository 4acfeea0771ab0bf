/**
 * BacktestResults for report tests: tiny hand-made curves whose metrics a test can work out on
 * paper, and a plausible year of a two-symbol moving-average strategy for the page and the
 * determinism checks.
 */
import type { BacktestMeta, BacktestResult, TradeRecord } from '../../backtest/backtest-result.ts';
import { addDays, newYorkDate, newYorkToUtcMs, weekdayOf } from '../../shared/time/new-york-time.ts';

/** A New York wall-clock instant: nyTime('2026-03-02', '16:00'). */
export function nyTime(date: string, time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return newYorkToUtcMs(date, hours! * 60 + minutes!);
}

export interface CurvePoint {
  readonly timeMs: number;
  readonly equity: number;
  /** Defaults to the equity. */
  readonly benchmark?: number;
  readonly gross?: number;
}

export function curveResult(
  points: readonly CurvePoint[],
  options: { trades?: readonly TradeRecord[]; meta?: Partial<BacktestMeta> } = {},
): BacktestResult {
  const trades = options.trades ?? [];
  return {
    meta: {
      strategy: 'ma-cross',
      params: { fast: 10, slow: 30 },
      symbols: ['SPY'],
      from: newYorkDate(points[0]?.timeMs ?? 0),
      to: newYorkDate(points.at(-1)?.timeMs ?? 0),
      timeframe: '1Day',
      source: 'seed 1',
      startingCash: 1000,
      fillModel: { slippageBps: 1 },
      split: null,
      breakerReset: 'session',
      ...options.meta,
    },
    equity: {
      timeMs: Float64Array.from(points, (point) => point.timeMs),
      equity: Float64Array.from(points, (point) => point.equity),
      benchmark: Float64Array.from(points, (point) => point.benchmark ?? point.equity),
      gross: Float64Array.from(points, (point) => point.gross ?? 0),
    },
    trades,
    bars: points.length,
    orders: trades.length,
    refusals: {},
    breakerResets: 0,
  };
}

export function trade(
  fields: Partial<TradeRecord> & Pick<TradeRecord, 'timeMs' | 'side' | 'qty' | 'price'>,
): TradeRecord {
  return {
    strategyId: 'ma-cross',
    symbol: 'SPY',
    fee: 0,
    slippage: 0,
    realizedPnl: 0,
    positionAfter: 0,
    ...fields,
  };
}

/**
 * A year (2025) of daily closes of two random walks with drift, traded by a 5/20-day moving
 * average cross (long above, flat below for SPY; long or short for QQQ) with 45% of equity per
 * symbol, 1 bp slippage and the SEC fee on sales. Deterministic for a seed.
 */
export function syntheticBacktestResult(
  options: { seed?: number; split?: number | null } = {},
): BacktestResult {
  const symbols = ['SPY', 'QQQ'];
  const startingCash = 100_000;
  const slippageRate = 0.0001;
  const secFeeRate = 0.0000278;
  const random = xorshift(options.seed ?? 5);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  const days: string[] = [];
  for (let date = '2025-01-02'; date <= '2025-12-31'; date = addDays(date, 1)) {
    if (weekdayOf(date) !== 0 && weekdayOf(date) !== 6) days.push(date);
  }
  const prices = symbols.map((_, s) => {
    let price = s === 0 ? 480 : 410;
    return days.map(() => {
      price *= 1 + 0.0006 + (s === 0 ? 0.011 : 0.015) * normal();
      return price;
    });
  });

  const timeMs: number[] = [];
  const equity: number[] = [];
  const benchmark: number[] = [];
  const gross: number[] = [];
  const trades: TradeRecord[] = [];
  const position = symbols.map(() => 0);
  const averageCost = symbols.map(() => 0);
  const benchmarkShares = symbols.map((_, s) => startingCash / symbols.length / prices[s]![0]!);
  let cash = startingCash;
  const mean = (series: number[], end: number, length: number): number =>
    series.slice(end - length + 1, end + 1).reduce((sum, price) => sum + price, 0) / length;

  days.forEach((date, day) => {
    const at = nyTime(date, '16:00');
    const markedEquity = (): number =>
      cash + symbols.reduce((sum, _, s) => sum + position[s]! * prices[s]![day]!, 0);
    if (day >= 20) {
      symbols.forEach((symbol, s) => {
        const close = prices[s]![day]!;
        const above = mean(prices[s]!, day, 5) > mean(prices[s]!, day, 20);
        const sizeToTake = Math.floor((0.45 * markedEquity()) / close);
        const target = above ? sizeToTake : s === 1 ? -sizeToTake : 0;
        const before = position[s]!;
        // Trade only on a change of direction, not to follow equity by a share or two.
        if (Math.sign(target) === Math.sign(before)) return;
        const qty = Math.abs(target - before);
        const side = target > before ? 'buy' : 'sell';
        const price = close * (side === 'buy' ? 1 + slippageRate : 1 - slippageRate);
        const closing = Math.min(qty, Math.abs(before));
        const realizedPnl = before === 0 ? 0 : closing * (price - averageCost[s]!) * Math.sign(before);
        const fee = side === 'sell' ? Math.round(qty * price * secFeeRate * 100) / 100 : 0;
        cash -= (side === 'buy' ? qty : -qty) * price + fee;
        position[s] = target;
        if (Math.sign(target) !== Math.sign(before)) averageCost[s] = price;
        trades.push({
          timeMs: at,
          strategyId: 'ma-cross',
          symbol,
          side,
          qty,
          price,
          fee,
          slippage: qty * close * slippageRate,
          realizedPnl,
          positionAfter: target,
        });
      });
    }
    timeMs.push(at);
    equity.push(markedEquity());
    benchmark.push(symbols.reduce((sum, _, s) => sum + benchmarkShares[s]! * prices[s]![day]!, 0));
    gross.push(symbols.reduce((sum, _, s) => sum + Math.abs(position[s]! * prices[s]![day]!), 0));
  });

  return {
    meta: {
      strategy: 'ma-cross',
      params: { fast: 5, slow: 20, sizeFraction: 0.45 },
      symbols,
      from: days[0]!,
      to: days.at(-1)!,
      timeframe: '1Day',
      source: `seed ${options.seed ?? 5}`,
      startingCash,
      fillModel: { slippageBps: 1, secFeeRate },
      breakerReset: 'session',
      split: options.split ?? null,
    },
    equity: {
      timeMs: Float64Array.from(timeMs),
      equity: Float64Array.from(equity),
      benchmark: Float64Array.from(benchmark),
      gross: Float64Array.from(gross),
    },
    trades,
    bars: days.length * symbols.length,
    orders: trades.length,
    refusals: { maxPositionNotional: 2 },
    breakerResets: 0,
  };
}

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
