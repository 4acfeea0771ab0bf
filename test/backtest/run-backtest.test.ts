/**
 * Backtests through the whole stack (strategy host, risk, execution, bar venue, portfolio) on small
 * bar series whose trades, fees and P&L are worked out by hand. A scripted strategy sends one
 * order of each kind at a chosen bar's close; the venue's fills and the curve are checked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BacktestJob, runJob } from '../../backtest/backtest-job.ts';
import type { BacktestMeta } from '../../backtest/backtest-result.ts';
import type { HistoricalBars } from '../../backtest/data/historical-bars.ts';
import { runBacktest } from '../../backtest/run-backtest.ts';
import { slippageModelSchema } from '../../shared/broker/alpaca/slippage-model.ts';
import { loadFeeRates, loadRiskLimits } from '../../shared/config/load-config.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import type { Bar } from '../../shared/domain/market-data.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import type { Strategy, StrategyContext } from '../../shared/strategies/strategy.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';

const LIMITS = loadRiskLimits(join(import.meta.dirname, '../../config/risk_limits.toml'));
const FEES = loadFeeRates(join(import.meta.dirname, '../../config/fees.toml'));
const NO_SLIPPAGE = slippageModelSchema.parse({});
const f = parseFixed;

/** One symbol's minute bars from 09:30 New York on 2025-03-03, [open, high, low, close]. */
function minuteBars(
  symbol: string,
  ohlc: readonly (readonly [number, number, number, number])[],
): HistoricalBars {
  const first = newYorkToUtcMs('2025-03-03', 9 * 60 + 30);
  const n = ohlc.length;
  const column = (pick: (bar: readonly number[]) => number) => Float64Array.from(ohlc, pick);
  return {
    symbols: [symbol],
    timeframe: '1Min',
    length: n,
    symbol: new Uint16Array(n),
    startUs: Float64Array.from(ohlc, (_, i) => (first + i * 60_000) * 1000),
    open: column((bar) => bar[0]!),
    high: column((bar) => bar[1]!),
    low: column((bar) => bar[2]!),
    close: column((bar) => bar[3]!),
    volume: column(() => 10_000),
  };
}

type Order = Pick<OrderIntent, 'side' | 'type' | 'purpose'> &
  Partial<Pick<OrderIntent, 'limitPrice' | 'stopPrice' | 'qty'>>;

/** Sends the scripted order at the close of the bar with that index. */
class ScriptedStrategy implements Strategy {
  readonly id = 'scripted';
  readonly symbols: readonly string[];
  readonly #script: ReadonlyMap<number, Order>;
  #bars = 0;

  constructor(symbol: string, script: ReadonlyMap<number, Order>) {
    this.symbols = [symbol];
    this.#script = script;
  }

  onBar(bar: Bar, context: StrategyContext): void {
    const order = this.#script.get(this.#bars++);
    if (order === undefined) return;
    context.submit({
      intentId: `scripted:${bar.startUs}`,
      strategyId: this.id,
      symbol: bar.symbol,
      assetClass: 'us_equity',
      qty: f('50'),
      timeInForce: 'day',
      referencePrice: f(String(bar.close)),
      createdAtMs: context.nowMs(),
      ...order,
    });
  }
}

const META: BacktestMeta = {
  strategy: 'scripted',
  params: {},
  symbols: ['AAPL'],
  from: '2025-03-03',
  to: '2025-03-03',
  timeframe: '1Min',
  source: 'test',
  startingCash: 100_000,
  fillModel: {},
  split: null,
  breakerReset: 'session',
};

function run(bars: HistoricalBars, script: ReadonlyMap<number, Order>, slippage = NO_SLIPPAGE) {
  return runBacktest({
    bars,
    strategies: [new ScriptedStrategy('AAPL', script)],
    limits: LIMITS,
    startingCash: 100_000,
    slippage,
    fees: FEES,
    meta: META,
    breakerReset: 'session',
  });
}

const SERIES = minuteBars('AAPL', [
  [100, 101, 99, 100], // 0
  [101, 102, 100, 101.5], // 1
  [102, 103, 101, 102], // 2
  [99, 100, 98, 99], // 3: gaps down through 100
  [99, 99.5, 97, 98], // 4: low 97
  [98, 99, 97.5, 98.5], // 5
]);

describe('a backtest through the whole stack', () => {
  it('fills a market entry at the next open and a sell stop at its price when the range reaches it', async () => {
    const result = await run(
      SERIES,
      new Map<number, Order>([
        [0, { side: 'buy', type: 'market', purpose: 'entry' }],
        [1, { side: 'sell', type: 'stop', stopPrice: f('101.50'), purpose: 'exit' }],
      ]),
    );
    const trades = result.trades.map(({ timeMs, side, qty, price, fee, realizedPnl, positionAfter }) => ({
      minute: (timeMs - newYorkToUtcMs('2025-03-03', 9 * 60 + 30)) / 60_000,
      side,
      qty,
      price,
      fee,
      realizedPnl,
      positionAfter,
    }));
    expect(trades).toEqual([
      // Decided on bar 0's close (100); risk bounds the market buy at 101; bar 1 opens at 101.
      { minute: 1, side: 'buy', qty: 50, price: 101, fee: 0, realizedPnl: 0, positionAfter: 50 },
      // Bar 2's low 101 reaches the stop 101.50. Fees on 50 × 101.50 = 5,075: SEC 0.141085 → 0.15,
      // TAF 50 × 0.000166 = 0.0083 → 0.01.
      { minute: 2, side: 'sell', qty: 50, price: 101.5, fee: 0.16, realizedPnl: 25, positionAfter: 0 },
    ]);
    // Bar 1's close: 100,000 − 5,050 cash + 50 × 101.50 = 100,025; then flat at 100,025 − 0.16.
    expect(Array.from(result.equity.equity)).toEqual([
      100_000, 100_025, 100_024.84, 100_024.84, 100_024.84, 100_024.84,
    ]);
    expect(result.orders).toBe(2);
  });

  it('fills a sell stop the market gapped through at the open', async () => {
    const result = await run(
      SERIES,
      new Map<number, Order>([
        [0, { side: 'buy', type: 'market', purpose: 'entry' }],
        [2, { side: 'sell', type: 'stop', stopPrice: f('100'), purpose: 'exit' }],
      ]),
    );
    expect(result.trades.map((trade) => [trade.side, trade.price, trade.realizedPnl])).toEqual([
      ['buy', 101, 0],
      // Bar 3 opens at 99, below the stop: the fill is at the open, (99 − 101) × 50 = −100.
      ['sell', 99, -100],
    ]);
  });

  it('fills a buy limit the bar touches exactly at the limit, and closes a position in parts', async () => {
    const result = await run(
      SERIES,
      new Map<number, Order>([
        [3, { side: 'buy', type: 'limit', limitPrice: f('97'), purpose: 'entry' }],
        [4, { side: 'sell', type: 'market', qty: f('20'), purpose: 'exit' }],
        [5, { side: 'sell', type: 'market', qty: f('30'), purpose: 'exit' }],
      ]),
    );
    expect(
      result.trades.map((trade) => [
        trade.side,
        trade.qty,
        trade.price,
        trade.realizedPnl,
        trade.positionAfter,
      ]),
    ).toEqual([
      // Bar 4 opens at 99, above the limit; its low is exactly 97.
      ['buy', 50, 97, 0, 50],
      // Bar 5 opens at 98: 20 × (98 − 97) = 20, and 30 remain.
      ['sell', 20, 98, 20, 30],
    ]);
    // The last sale was decided on the last bar: there is no next bar for it to meet.
    expect(result.orders).toBe(3);
  });

  it('pays slippage on a taker, within the protective bound of a market order, and says what it cost', async () => {
    const result = await run(
      SERIES,
      new Map<number, Order>([
        [1, { side: 'buy', type: 'market', purpose: 'entry' }],
        [2, { side: 'sell', type: 'limit', limitPrice: f('99.50'), purpose: 'exit' }],
      ]),
      slippageModelSchema.parse({ fixedBps: 5 }),
    );
    expect(result.trades.map((trade) => [trade.side, trade.price, trade.slippage])).toEqual([
      // Bar 2 opens at 102: + 5 bps = 102.051, rounded up against the buyer to 102.06, under the
      // bound (close 101.50 + 1%); 50 × 0.06 = 3.00 paid.
      ['buy', 102.06, 3],
      // Bar 3 opens at 99, under the sell limit, and its high 100 reaches it: the resting order
      // fills at its limit, 99.50, and as the maker pays no slippage.
      ['sell', 99.5, 0],
    ]);
  });

  it("closes a position when risk's trailing stop triggers on a close, at the next bar's open", async () => {
    const result = await run(
      SERIES,
      new Map<number, Order>([[0, { side: 'buy', type: 'market', purpose: 'entry' }]]),
    );
    expect(
      result.trades.map((trade) => [trade.strategyId, trade.side, trade.price, trade.realizedPnl]),
    ).toEqual([
      ['scripted', 'buy', 101, 0],
      // trailing_stop_pct 1.5 under the best close since the entry, 102: 100.47. Bar 3 closes at 99
      // below it (the 2% stop loss, 98.98, is not reached); risk's exit meets bar 4 at its open,
      // 99: (99 − 101) × 50 = −100.
      ['risk', 'sell', 99, -100],
    ]);
  });

  it('gives the same result twice', async () => {
    const job: BacktestJob = {
      bars: SERIES,
      strategy: 'ma-cross',
      params: { fast: 2, slow: 3 },
      limits: LIMITS,
      startingCash: 100_000,
      slippage: NO_SLIPPAGE,
      fees: FEES,
      from: '2025-03-03',
      to: '2025-03-03',
      source: 'test',
      split: null,
      breakerReset: 'session',
      baseDir: process.cwd(),
    };
    const first = await runJob(job);
    const second = await runJob(job);
    expect(second).toEqual(first);
    expect(first.meta.params).toEqual({ fast: 2, slow: 3, notional: 5_000 });
  });
});
