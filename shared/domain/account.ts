import type { Fixed } from './fixed.ts';

export interface Account {
  readonly id: string;
  readonly accountNumber: string;
  readonly status: string;
  readonly currency: string;
  readonly cash: Fixed;
  readonly equity: Fixed;
  readonly lastEquity: Fixed;
  readonly buyingPower: Fixed;
  readonly daytradingBuyingPower: Fixed | null;
  readonly longMarketValue: Fixed;
  readonly shortMarketValue: Fixed;
  readonly multiplier: number;
  /** Alpaca stopped sending these two on live accounts in July 2026; absent is not zero. */
  readonly patternDayTrader: boolean | null;
  readonly daytradeCount: number | null;
  readonly shortingEnabled: boolean;
  readonly tradingBlocked: boolean;
  readonly accountBlocked: boolean;
}

/** FINRA's pattern-day-trader equity threshold. */
export const PATTERN_DAY_TRADER_MIN_EQUITY_USD = 25_000;
