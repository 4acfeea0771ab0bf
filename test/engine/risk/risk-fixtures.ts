/** Builders for the risk manager's tests and benchmark: shipped limits, an account, intents, fills. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { closingIntent } from '../../../engine/risk/exit-intents.ts';
import type { RiskEvent } from '../../../engine/risk/risk-events.ts';
import { RiskManager } from '../../../engine/risk/risk-manager.ts';
import { type RiskLimits, riskLimitsSchema } from '../../../shared/config/risk-schema.ts';
import type { Account } from '../../../shared/domain/account.ts';
import type { Fill } from '../../../shared/domain/fill.ts';
import { fixedFromNumber, parseFixed } from '../../../shared/domain/fixed.ts';
import type { IntentPurpose, OrderIntent, OrderSide } from '../../../shared/domain/order.ts';
import type { Position } from '../../../shared/domain/position.ts';
import { isCryptoSymbol } from '../../../shared/domain/symbol.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import type { TradingCalendar } from '../../../shared/time/trading-calendar.ts';

export const f = parseFixed;

/** Tuesday 2026-11-24, 10:00 New York: a regular session. */
export const TUESDAY_10AM = newYorkToUtcMs('2026-11-24', 10 * 60);

type RawLimits = Record<string, Record<string, unknown>>;

/** The shipped risk file as raw TOML values, with some keys replaced: `{ limits: { max_open_positions: 2 } }`. */
export function rawRiskLimits(overrides: RawLimits = {}): RawLimits {
  const raw = parseToml(
    readFileSync(join(import.meta.dirname, '../../../config/risk_limits.toml'), 'utf8'),
  ) as RawLimits;
  for (const [section, values] of Object.entries(overrides)) raw[section] = { ...raw[section], ...values };
  return raw;
}

export function riskLimits(overrides: RawLimits = {}): RiskLimits {
  return riskLimitsSchema.parse(rawRiskLimits(overrides));
}

export function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 'account-1',
    accountNumber: 'PA0000001',
    status: 'ACTIVE',
    currency: 'USD',
    cash: f('100000'),
    equity: f('100000'),
    lastEquity: f('100000'),
    buyingPower: f('200000'),
    daytradingBuyingPower: null,
    longMarketValue: f('0'),
    shortMarketValue: f('0'),
    multiplier: 2,
    patternDayTrader: false,
    daytradeCount: 0,
    shortingEnabled: true,
    tradingBlocked: false,
    accountBlocked: false,
    ...overrides,
  };
}

let intentSequence = 0;

/** A buy of 10 AAPL at a 100.00 limit from strategy s1 unless told otherwise; every call a new intent id. */
export function intent(overrides: Partial<OrderIntent> = {}): OrderIntent {
  intentSequence += 1;
  const symbol = overrides.symbol ?? 'AAPL';
  return {
    intentId: `intent-${intentSequence}`,
    strategyId: 's1',
    symbol,
    assetClass: isCryptoSymbol(symbol) ? 'crypto' : 'us_equity',
    side: 'buy',
    qty: f('10'),
    type: 'limit',
    timeInForce: 'day',
    limitPrice: f('100'),
    referencePrice: f('100'),
    purpose: 'entry',
    createdAtMs: 0,
    ...overrides,
  };
}

export function exit(symbol: string, side: OrderSide, qty: string, overrides: Partial<OrderIntent> = {}) {
  return intent({
    symbol,
    side,
    qty: f(qty),
    type: 'market',
    limitPrice: undefined,
    purpose: 'exit',
    ...overrides,
  });
}

let executionSequence = 0;

export function fill(
  clientOrderId: string,
  symbol: string,
  side: OrderSide,
  qty: string,
  price: string,
): Fill {
  executionSequence += 1;
  return {
    executionId: `execution-${executionSequence}`,
    orderId: `order-${clientOrderId}`,
    clientOrderId,
    symbol,
    side,
    qty: f(qty),
    price: f(price),
    timestampMs: 0,
  };
}

export function position(symbol: string, qty: string, avgEntryPrice: string): Position {
  return {
    symbol,
    assetClass: isCryptoSymbol(symbol) ? 'crypto' : 'us_equity',
    qty: f(qty),
    avgEntryPrice: f(avgEntryPrice),
    realizedPnl: f('0'),
  };
}

/** A fill booked into risk's position book and then told to risk, as execution does it. */
export function bookFill(risk: RiskManager, execution: Fill): void {
  risk.onFill(execution, risk.positions.applyFill(execution));
}

/** The exit the risk-action executor sends for a stop or the kill switch: the whole position, at market. */
export function closingExit(
  risk: RiskManager,
  event: { readonly symbol: string; readonly price?: number },
  purpose: Exclude<IntentPurpose, 'entry'>,
  attempt = 1,
): OrderIntent {
  const held = risk.positions.position(event.symbol);
  return closingIntent({
    symbol: event.symbol,
    positionQty: held.qty,
    purpose,
    referencePrice: event.price === undefined ? held.avgEntryPrice : fixedFromNumber(event.price),
    intentId: `exit:${event.symbol}:${attempt}`,
    nowMs: 0,
  });
}

export interface RiskHarness {
  readonly clock: ManualClock;
  readonly risk: RiskManager;
  readonly events: RiskEvent[];
  /** A quote at mid ± 0.01, timestamped now. */
  quote(symbol: string, mid: number): void;
  /** check, and on approval submit under the intent's id; returns the decision. */
  send(order: OrderIntent): ReturnType<RiskManager['check']>;
  /** Submits and fills a buy or sell at a price (through the ledger, as the execution layer would). */
  trade(symbol: string, side: OrderSide, qty: string, price: string): void;
}

export interface HarnessOptions {
  readonly limits?: RawLimits;
  readonly account?: Partial<Account>;
  readonly positions?: readonly Position[];
  readonly reconciled?: boolean;
  readonly startMs?: number;
  readonly symbols?: readonly string[];
  /** Default: the risk manager's own, which answers by the NYSE rules. */
  readonly calendar?: TradingCalendar;
}

/** A reconciled risk manager at Tuesday 10:00 New York with fresh quotes at 100 for the given symbols. */
export function harness(options: HarnessOptions = {}): RiskHarness {
  const clock = new ManualClock(options.startMs ?? TUESDAY_10AM);
  const risk = new RiskManager({
    limits: riskLimits(options.limits),
    clock,
    ...(options.calendar === undefined ? {} : { calendar: options.calendar }),
  });
  const events: RiskEvent[] = [];
  risk.events.subscribe((event) => events.push(event));
  for (const held of options.positions ?? [])
    risk.positions.restorePosition(held.symbol, held.qty, held.avgEntryPrice);
  if (options.reconciled !== false) risk.reconcile(account(options.account));
  const quote = (symbol: string, mid: number): void =>
    risk.onQuote(symbol, mid - 0.01, mid + 0.01, clock.nowUs());
  for (const symbol of options.symbols ?? ['AAPL']) quote(symbol, 100);
  let tradeSequence = 0;
  return {
    clock,
    risk,
    events,
    quote,
    send(order) {
      const decision = risk.check(order);
      if (decision.ok) risk.onOrderSubmitted(order.intentId, order);
      return decision;
    },
    trade(symbol, side, qty, price) {
      tradeSequence += 1;
      const clientOrderId = `trade-${tradeSequence}`;
      risk.onOrderSubmitted(
        clientOrderId,
        intent({ symbol, side, qty: f(qty), limitPrice: f(price), strategyId: `trader-${tradeSequence}` }),
      );
      bookFill(risk, fill(clientOrderId, symbol, side, qty, price));
    },
  };
}
