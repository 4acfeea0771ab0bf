import { describe, expect, it } from 'vitest';
import {
  computeBenchmarkMetrics,
  computeMetrics,
  dailyReturns,
  tradingDaysPerYear,
} from '../../../backtest/report/metrics.ts';
import { wholeRange } from '../../../backtest/report/slice-range.ts';
import { curveResult, nyTime, trade } from '../../support/backtest-results.ts';

const DIGITS = 12;

describe('computeMetrics: returns and risk', () => {
  // Starting cash 100,000. Four New York dates; 2025-01-02 10:00 to 2026-01-02 16:00 (both EST) is
  // 365 days + 6 hours = 365.25 days: exactly one year, so CAGR equals the total return.
  const result = curveResult(
    [
      { timeMs: nyTime('2025-01-02', '10:00'), equity: 110_000, benchmark: 101_000 },
      { timeMs: nyTime('2025-06-02', '16:00'), equity: 99_000, benchmark: 90_900 },
      { timeMs: nyTime('2025-09-02', '16:00'), equity: 108_900, benchmark: 111_100 },
      { timeMs: nyTime('2026-01-02', '16:00'), equity: 108_900, benchmark: 121_200 },
    ],
    { meta: { startingCash: 100_000 } },
  );
  const metrics = computeMetrics(result);

  it('reads daily returns at each date, the first against the starting cash', () => {
    // 110,000/100,000 − 1 = 0.1; 99,000/110,000 − 1 = −0.1; 108,900/99,000 − 1 = 0.1; 108,900/108,900 − 1 = 0.
    const returns = dailyReturns(
      result.equity.timeMs,
      result.equity.equity,
      wholeRange(result.equity),
      100_000,
    );
    expect(returns).toHaveLength(4);
    for (const [day, expected] of [0.1, -0.1, 0.1, 0].entries())
      expect(returns![day]).toBeCloseTo(expected, DIGITS);
    expect(metrics.days).toBe(4);
    expect(metrics.from).toBe('2025-01-02');
    expect(metrics.to).toBe('2026-01-02');
  });

  it('computes total return, CAGR, volatility, Sharpe and Sortino from those returns', () => {
    // Total: 108,900/100,000 − 1 = 0.089; over one year CAGR = 1.089^1 − 1 = 0.089.
    expect(metrics.totalReturn).toBeCloseTo(0.089, DIGITS);
    expect(metrics.cagr).toBeCloseTo(0.089, DIGITS);
    // Mean 0.1/4 = 0.025; deviations 0.075, −0.125, 0.075, −0.025; squares sum to
    // 0.005625 + 0.015625 + 0.005625 + 0.000625 = 0.0275; sample variance 0.0275/3.
    const deviation = Math.sqrt(0.0275 / 3); // 0.0957427…
    expect(metrics.annualisedVolatility).toBeCloseTo(deviation * Math.sqrt(252), DIGITS); // 1.51986…
    expect(metrics.sharpe).toBeCloseTo((0.025 / deviation) * Math.sqrt(252), DIGITS); // 4.14516…
    // Downside deviation over all four days: √((0 + 0.01 + 0 + 0)/4) = 0.05; 0.025/0.05 × √252.
    expect(metrics.sortino).toBeCloseTo(0.5 * Math.sqrt(252), DIGITS); // 7.93725…
  });

  it('measures the deepest drawdown, unrecovered, to the last slice', () => {
    // Peak 110,000 (2025-01-02), trough 99,000: −0.1; never back at 110,000, so the duration runs
    // to the last slice, 2026-01-02: 365 calendar days.
    expect(metrics.maxDrawdown).toBeCloseTo(-0.1, DIGITS);
    expect(metrics.maxDrawdownDays).toBe(365);
    expect(metrics.maxDrawdownRecovered).toBe(false);
    // Calmar: 0.089 / 0.1.
    expect(metrics.calmar).toBeCloseTo(0.89, DIGITS);
  });

  it('applies the same definitions to the buy-and-hold curve', () => {
    const benchmark = computeBenchmarkMetrics(result);
    // 121,200/100,000 − 1 = 0.212 over one year.
    expect(benchmark.totalReturn).toBeCloseTo(0.212, DIGITS);
    expect(benchmark.cagr).toBeCloseTo(0.212, DIGITS);
    // Peak 101,000, trough 90,900: −0.1; back above at 111,100 on 2025-09-02, 243 days after 2025-01-02.
    expect(benchmark.maxDrawdown).toBeCloseTo(-0.1, DIGITS);
    expect(benchmark.maxDrawdownDays).toBe(243);
    expect(benchmark.maxDrawdownRecovered).toBe(true);
    // Returns 0.01, −0.1, 111,100/90,900 − 1 = 0.2222…, 121,200/111,100 − 1 = 0.0909…
    const returns = [0.01, -0.1, 111_100 / 90_900 - 1, 121_200 / 111_100 - 1];
    const mean = returns.reduce((a, b) => a + b) / 4;
    const deviation = Math.sqrt(returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / 3);
    expect(benchmark.sharpe).toBeCloseTo((mean / deviation) * Math.sqrt(252), DIGITS);
  });

  it('measures drawdown per slice, and daily returns at each date’s last slice only', () => {
    // Starting cash 1,000. On 2026-03-02 the equity peaks at 1,100, falls to 880 (−20%) and closes
    // at 990; it is back at 1,100 on 2026-03-05, 3 days after the peak.
    const intraday = curveResult([
      { timeMs: nyTime('2026-03-02', '10:00'), equity: 1100 },
      { timeMs: nyTime('2026-03-02', '12:00'), equity: 880 },
      { timeMs: nyTime('2026-03-02', '16:00'), equity: 990 },
      { timeMs: nyTime('2026-03-03', '16:00'), equity: 1045 },
      { timeMs: nyTime('2026-03-05', '16:00'), equity: 1100 },
      { timeMs: nyTime('2026-03-06', '16:00'), equity: 1210 },
    ]);
    const returns = dailyReturns(
      intraday.equity.timeMs,
      intraday.equity.equity,
      wholeRange(intraday.equity),
      1000,
    );
    // 990/1,000 − 1; 1,045/990 − 1; 1,100/1,045 − 1; 1,210/1,100 − 1.
    const expected = [-0.01, 55 / 990, 55 / 1045, 0.1];
    expect(returns).toHaveLength(4);
    for (const [day, value] of expected.entries()) expect(returns![day]).toBeCloseTo(value, DIGITS);
    const metrics = computeMetrics(intraday);
    expect(metrics.maxDrawdown).toBeCloseTo(-0.2, DIGITS);
    expect(metrics.maxDrawdownDays).toBe(3);
    expect(metrics.maxDrawdownRecovered).toBe(true);
    expect(metrics.slices).toBe(6);
    expect(metrics.days).toBe(4);
  });
});

describe('computeMetrics: trades, exposure and turnover', () => {
  const day = (date: string): number => nyTime(date, '16:00');
  // Starting cash 1,000, flat equity; one year from the first slice (10:00) to the last (16:00 a year on).
  const result = curveResult(
    [
      { timeMs: nyTime('2025-01-02', '10:00'), equity: 1000, gross: 500 },
      { timeMs: day('2025-03-03'), equity: 1000, gross: 0 },
      { timeMs: day('2025-07-01'), equity: 1000, gross: 1000 },
      { timeMs: day('2026-01-02'), equity: 1000, gross: 250 },
    ],
    {
      trades: [
        // Opens long 10: not a closing trade.
        trade({
          timeMs: day('2025-01-02'),
          side: 'buy',
          qty: 10,
          price: 100,
          slippage: 0.5,
          positionAfter: 10,
        }),
        // Sells 4 of 10 at +10: net 40 − 0.1 = 39.9, a win.
        trade({
          timeMs: day('2025-02-03'),
          side: 'sell',
          qty: 4,
          price: 110,
          fee: 0.1,
          slippage: 0.2,
          realizedPnl: 40,
          positionAfter: 6,
        }),
        // Sells the other 6 at −5: net −30 − 0.1 = −30.1, a loss; the position is flat: round trip 1.
        trade({
          timeMs: day('2025-03-03'),
          side: 'sell',
          qty: 6,
          price: 95,
          fee: 0.1,
          slippage: 0.3,
          realizedPnl: -30,
          positionAfter: 0,
        }),
        // Opens short 5: not a closing trade.
        trade({
          timeMs: day('2025-04-01'),
          side: 'sell',
          qty: 5,
          price: 100,
          fee: 0.1,
          slippage: 0.25,
          positionAfter: -5,
        }),
        // Buys 10: covers 5 at +10 (net 50, a win) and flips long: round trip 2.
        trade({
          timeMs: day('2025-05-01'),
          side: 'buy',
          qty: 10,
          price: 90,
          slippage: 0.4,
          realizedPnl: 50,
          positionAfter: 5,
        }),
        // Sells 5 at cost: realises 0, net −0.05 (the fee), a loss; flat: round trip 3.
        trade({
          timeMs: day('2025-06-02'),
          side: 'sell',
          qty: 5,
          price: 90,
          fee: 0.05,
          slippage: 0.1,
          positionAfter: 0,
        }),
      ],
    },
  );
  const metrics = computeMetrics(result);

  it('counts executions, closing trades and round trips', () => {
    expect(metrics.executions).toBe(6);
    expect(metrics.closingTrades).toBe(4);
    expect(metrics.roundTrips).toBe(3);
  });

  it('scores closing trades net of their own fee', () => {
    // Wins 39.9 and 50; losses −30.1 and −0.05.
    expect(metrics.winRate).toBe(0.5);
    expect(metrics.profitFactor).toBeCloseTo(89.9 / 30.15, DIGITS); // 2.98175…
    expect(metrics.averageWin).toBeCloseTo(44.95, DIGITS);
    expect(metrics.averageLoss).toBeCloseTo(-15.075, DIGITS);
  });

  it('adds up costs, notional, exposure and turnover', () => {
    // 0 + 0.1 + 0.1 + 0.1 + 0 + 0.05; 0.5 + 0.2 + 0.3 + 0.25 + 0.4 + 0.1.
    expect(metrics.fees).toBeCloseTo(0.35, DIGITS);
    expect(metrics.slippage).toBeCloseTo(1.75, DIGITS);
    // 1,000 + 440 + 570 + 500 + 900 + 450.
    expect(metrics.tradedNotional).toBeCloseTo(3860, DIGITS);
    // (500 + 0 + 1,000 + 250) / 1,000 / 4 slices.
    expect(metrics.exposure).toBeCloseTo(0.4375, DIGITS);
    // 3,860 / mean equity 1,000; over exactly one year.
    expect(metrics.turnover).toBeCloseTo(3.86, DIGITS);
    expect(metrics.annualisedTurnover).toBeCloseTo(3.86, DIGITS);
  });

  it('leaves profit factor and average loss undefined without a loss', () => {
    const winsOnly = computeMetrics({ ...result, trades: result.trades.slice(0, 2) });
    expect(winsOnly.winRate).toBe(1);
    expect(winsOnly.profitFactor).toBeNull();
    expect(winsOnly.averageLoss).toBeNull();
    expect(winsOnly.averageWin).toBeCloseTo(39.9, DIGITS);
  });
});

describe('computeMetrics: edge cases are null, never NaN or Infinity', () => {
  it('without trades', () => {
    const metrics = computeMetrics(
      curveResult([
        { timeMs: nyTime('2026-03-02', '16:00'), equity: 1000 },
        { timeMs: nyTime('2026-03-03', '16:00'), equity: 1010 },
      ]),
    );
    expect(metrics).toMatchObject({
      executions: 0,
      closingTrades: 0,
      roundTrips: 0,
      winRate: null,
      profitFactor: null,
      averageWin: null,
      averageLoss: null,
      tradedNotional: 0,
      fees: 0,
      slippage: 0,
      exposure: 0,
      turnover: 0,
      annualisedTurnover: 0,
    });
  });

  it('at zero volatility', () => {
    const metrics = computeMetrics(
      curveResult([
        { timeMs: nyTime('2026-03-02', '16:00'), equity: 1000 },
        { timeMs: nyTime('2026-03-03', '16:00'), equity: 1000 },
        { timeMs: nyTime('2026-03-04', '16:00'), equity: 1000 },
      ]),
    );
    expect(metrics).toMatchObject({
      totalReturn: 0,
      cagr: 0,
      annualisedVolatility: 0,
      sharpe: null,
      sortino: null,
      maxDrawdown: 0,
      maxDrawdownDays: 0,
      maxDrawdownRecovered: true,
      calmar: null,
    });
  });

  it('for a curve growing by the same fraction every day (float noise is not volatility)', () => {
    const metrics = computeMetrics(
      curveResult(
        [1.01, 1.01 ** 2, 1.01 ** 3, 1.01 ** 4].map((growth, day) => ({
          timeMs: nyTime(`2026-03-0${day + 2}`, '16:00'),
          equity: 1000 * growth,
        })),
      ),
    );
    expect(metrics.annualisedVolatility).toBe(0);
    expect(metrics.sharpe).toBeNull();
    expect(metrics.sortino).toBeNull();
  });

  it('for a single day: nothing to annualise', () => {
    // Two slices six hours apart on one date: one daily return (1,050/1,000 − 1), a span under a day.
    const metrics = computeMetrics(
      curveResult([
        { timeMs: nyTime('2026-03-02', '10:00'), equity: 900, gross: 450 },
        { timeMs: nyTime('2026-03-02', '16:00'), equity: 1050, gross: 0 },
      ]),
    );
    expect(metrics.days).toBe(1);
    expect(metrics.totalReturn).toBeCloseTo(0.05, DIGITS);
    expect(metrics.maxDrawdown).toBeCloseTo(-0.1, DIGITS);
    expect(metrics.maxDrawdownDays).toBe(0);
    expect(metrics).toMatchObject({
      cagr: null,
      annualisedVolatility: null,
      sharpe: null,
      sortino: null,
      calmar: null,
      annualisedTurnover: null,
    });
  });

  it('for a curve that lost everything: CAGR is −100%', () => {
    const metrics = computeMetrics(
      curveResult([
        { timeMs: nyTime('2026-03-02', '16:00'), equity: 500 },
        { timeMs: nyTime('2026-03-05', '16:00'), equity: 0 },
      ]),
    );
    expect(metrics.totalReturn).toBe(-1);
    expect(metrics.cagr).toBe(-1);
    expect(metrics.maxDrawdown).toBe(-1);
    expect(metrics.calmar).toBe(-1);
    expect(metrics.exposure).toBe(0);
  });

  it('refuses a range without slices', () => {
    expect(() => computeMetrics(curveResult([]))).toThrow(RangeError);
  });
});

describe('tradingDaysPerYear', () => {
  it.each([
    [['SPY'], 252],
    [['SPY', 'BTC/USD'], 252],
    [['BTC/USD', 'ETH/USD'], 365],
  ])('%j → %i', (symbols, days) => {
    expect(tradingDaysPerYear(symbols)).toBe(days);
  });

  it('annualises an all-crypto run with 365 days', () => {
    // Returns 0.1 and −0.1 on two dates: mean 0, sample std √(0.02/1).
    const metrics = computeMetrics(
      curveResult(
        [
          { timeMs: nyTime('2026-03-07', '23:59'), equity: 1100 },
          { timeMs: nyTime('2026-03-08', '23:59'), equity: 990 },
        ],
        { meta: { symbols: ['BTC/USD'] } },
      ),
    );
    expect(metrics.annualisedVolatility).toBeCloseTo(Math.sqrt(0.02) * Math.sqrt(365), DIGITS);
  });
});
