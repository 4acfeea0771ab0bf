/**
 * The pre-trade rules, in the order they run. The first rule that denies decides.
 *
 * The order is deliberate: a malformed intent first; then the switches that stop a strategy or
 * the whole book (latch, breaker, unreconciled broker state, a market the broker says is closed),
 * since nothing else matters while they are set; then what makes any order unsafe to send now (a
 * reduce-only order that would not reduce, a halt, no fresh price, a price outside the band or
 * collar, a duplicate, a self-match, the order rate); and last the limits on new risk, from the
 * order alone to the whole account.
 *
 * Scopes say which intents a rule applies to. Orders that only reduce exposure (exits, stops, the
 * kill switch) skip the rules that exist to block new risk, and are instead held to never flipping
 * or growing a position. The kill switch also skips the price, duplicate and rate rules:
 * flattening must go through when prices are stale, orders are many, or a stop exit of the same
 * size has just been sent.
 */
import { PATTERN_DAY_TRADER_MIN_EQUITY_USD } from '../../shared/domain/account.ts';
import { divRoundHalfEven, type Fixed, formatFixed, SCALE } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import { newYorkDate } from '../../shared/time/new-york-time.ts';
import type { CheckContext, RiskState } from './check-context.ts';
import { PATTERN_DAY_TRADE_LIMIT } from './day-trade-counter.ts';
import { RISK_STRATEGY_ID } from './exit-intents.ts';
import { type ReasonCode, RULE_REASON_CODES, type RuleName } from './risk-decision.ts';

/** all: every intent; new_risk: intents that may add exposure; reduce_only: the others; except_kill_switch: all but the kill switch's. */
export type RuleScope = 'all' | 'new_risk' | 'reduce_only' | 'except_kill_switch';

export interface PreTradeRule {
  readonly name: RuleName;
  readonly reasonCode: ReasonCode;
  readonly scope: RuleScope;
  /** Null to pass; otherwise why the intent is denied. */
  deny(context: CheckContext, intent: OrderIntent): string | null;
}

const PATTERN_DAY_TRADER_MIN_EQUITY = BigInt(PATTERN_DAY_TRADER_MIN_EQUITY_USD) * SCALE;

/** A 1e-18 notional as dollars, for messages. */
function usd(raw: bigint): string {
  return `$${formatFixed(divRoundHalfEven(raw, SCALE) as Fixed)}`;
}

/** The breaker's hold on new exposure, or null. */
export function breakerHold(state: RiskState): string | null {
  return state.breaker.allowsNewRisk
    ? null
    : `the circuit breaker is ${state.breaker.state}; no new exposure`;
}

/** Until positions and the account match the broker's, no new exposure. */
export function reconciliationHold(state: RiskState): string | null {
  if (!state.broker.reconciled) return 'positions are not reconciled with the broker; no new exposure';
  if (state.broker.account === null) return 'the account is unknown; no new exposure';
  return null;
}

function rule(name: RuleName, scope: RuleScope, deny: PreTradeRule['deny']): PreTradeRule {
  return { name, reasonCode: RULE_REASON_CODES[name], scope, deny };
}

function invalidIntent(intent: OrderIntent): string | null {
  if (intent.symbol === '') return 'the intent names no symbol';
  if (intent.qty <= 0n) return `quantity must be positive, got ${formatFixed(intent.qty)}`;
  const needsLimit = intent.type === 'limit' || intent.type === 'stop_limit';
  if (needsLimit && !(intent.limitPrice !== undefined && intent.limitPrice > 0n)) {
    return `a ${intent.type} order needs a positive limit price`;
  }
  const needsStop = intent.type === 'stop' || intent.type === 'stop_limit';
  if (needsStop && !(intent.stopPrice !== undefined && intent.stopPrice > 0n)) {
    return `a ${intent.type} order needs a positive stop price`;
  }
  if (
    intent.type === 'trailing_stop' &&
    !((intent.trailPercent ?? 0n) > 0n) &&
    !((intent.trailPrice ?? 0n) > 0n)
  ) {
    return 'a trailing_stop order needs a positive trail percent or trail price';
  }
  return null;
}

/** The price a band or collar judges: the limit price, or a market order's protective bound. */
function judgedPrice(context: CheckContext, intent: OrderIntent): Fixed | null {
  if (intent.type === 'limit' || intent.type === 'stop_limit') return intent.limitPrice ?? null;
  if (intent.type === 'market') return context.protectiveLimitPrice;
  return null;
}

export const PRE_TRADE_RULES: readonly PreTradeRule[] = [
  rule('valid_intent', 'all', (_context, intent) => invalidIntent(intent)),

  rule('strategy_armed', 'new_risk', ({ state }, intent) =>
    state.latch.isLatched(intent.strategyId)
      ? `strategy ${intent.strategyId} is latched after more than ${state.params.latchMaxFills} fills in ${state.params.latchWindowMs / 1000} s; an operator must re-arm it`
      : null,
  ),

  rule('circuit_breaker', 'new_risk', ({ state }) => breakerHold(state)),

  // Halted means hands off: even orders that only reduce wait for a person, except the exits risk
  // itself sends (stops, the kill switch's flatten), which the risk-action executor carries out.
  rule('circuit_breaker_halted', 'reduce_only', ({ state }, intent) =>
    state.breaker.state !== 'halted' || intent.strategyId === RISK_STRATEGY_ID
      ? null
      : `the circuit breaker is halted (${state.breaker.haltedBy ?? 'halt'}); only risk's own exits are sent`,
  ),

  rule('broker_reconciled', 'new_risk', ({ state }) => reconciliationHold(state)),

  // Only the broker's word closes the market here (no session today in its calendar, or its clock
  // or hours say closed). The built-in rules alone never refuse: a venue may keep other hours (the
  // simulator's default is open around the clock). Crypto trades every hour of every day.
  rule('market_closed', 'new_risk', ({ state, nowMs }, intent) => {
    if (intent.assetClass === 'crypto') return null;
    const closure = state.calendar.closedByBroker(nowMs);
    if (closure === null) return null;
    if (closure === 'closed_day')
      return `the broker's calendar has no session on ${newYorkDate(nowMs)}; no new ${intent.symbol} exposure`;
    // Extended-hours orders are the broker's to accept or refuse outside the regular session.
    if (intent.extendedHours === true) return null;
    return `the regular session is closed (broker's clock and calendar); no new ${intent.symbol} exposure`;
  }),

  rule('reduce_only', 'reduce_only', ({ position }, intent) => {
    const held = position.qty;
    if (intent.side === 'sell') {
      if (held > 0n && intent.qty + position.workingSellQty <= held) return null;
    } else if (held < 0n && intent.qty + position.workingBuyQty <= -held) {
      return null;
    }
    return `${intent.purpose} ${intent.side} ${formatFixed(intent.qty)} ${intent.symbol} would open, grow or flip the position (held ${formatFixed(held)}, working buys ${formatFixed(position.workingBuyQty as Fixed)}, sells ${formatFixed(position.workingSellQty as Fixed)})`;
  }),

  rule('symbol_tradable', 'all', ({ market }, intent) =>
    market?.halted === true ? `${intent.symbol} is halted (status ${market.haltCode})` : null,
  ),

  rule('fresh_reference', 'except_kill_switch', ({ market, referenceFresh, state }, intent) => {
    if (referenceFresh) return null;
    if (market === undefined || market.quoteTimestampUs === Number.NEGATIVE_INFINITY) {
      return `no reference price for ${intent.symbol}`;
    }
    return `the reference price for ${intent.symbol} is stale (older than ${state.params.referenceMaxAgeUs / 1000} ms, or marked stale by the feed)`;
  }),

  rule('luld_band', 'all', (context, intent) => {
    const market = context.market;
    if (market === undefined || !market.hasBand) return null;
    const price = judgedPrice(context, intent);
    if (price === null) return null;
    if (price <= market.limitUpFixed && price >= market.limitDownFixed) return null;
    return `price ${formatFixed(price)} is outside the limit-up/limit-down band ${formatFixed(market.limitDownFixed)}–${formatFixed(market.limitUpFixed)}`;
  }),

  rule('price_collar', 'except_kill_switch', ({ market, state }, intent) => {
    if (intent.type !== 'limit' && intent.type !== 'stop_limit') return null;
    const limit = intent.limitPrice!;
    if (market!.withinCollar(limit, state.params.priceCollarPct)) return null;
    return `limit ${formatFixed(limit)} is more than ${formatFixed(state.params.priceCollarPct)}% from the reference ${formatFixed(market!.midFixed)}`;
  }),

  rule('duplicate_intent', 'except_kill_switch', ({ state, nowMs }, intent) =>
    state.recentIntents.isDuplicate(intent, nowMs)
      ? `the same order was submitted within the last ${state.params.duplicateWindowMs} ms`
      : null,
  ),

  rule('self_match', 'all', (context, intent) => {
    if (intent.type !== 'limit' && intent.type !== 'market') return null;
    const price = intent.type === 'limit' ? intent.limitPrice! : null;
    return context.position.wouldSelfMatch(intent.side, price)
      ? `${intent.side} ${intent.symbol} would trade against our own working order on the other side`
      : null;
  }),

  rule('symbol_order_rate', 'except_kill_switch', ({ state, nowMs }, intent) =>
    state.symbolThrottles.get(intent.symbol)?.isFull(nowMs) === true
      ? `${state.params.maxOrdersPerSymbolPerWindow} orders for ${intent.symbol} within ${state.params.throttleWindowMs} ms already`
      : null,
  ),

  rule('order_rate', 'except_kill_switch', ({ state, nowMs }) =>
    state.overallThrottle.isFull(nowMs)
      ? `${state.params.maxOrdersPerWindow} orders within ${state.params.throttleWindowMs} ms already`
      : null,
  ),

  rule('max_order_qty', 'new_risk', ({ state }, intent) =>
    intent.qty > state.params.maxOrderQty
      ? `quantity ${formatFixed(intent.qty)} is above the per-order cap ${formatFixed(state.params.maxOrderQty)}`
      : null,
  ),

  rule('max_order_notional', 'new_risk', ({ state, notionalRaw }) =>
    notionalRaw > state.params.maxOrderNotionalRaw
      ? `order notional ${usd(notionalRaw)} is above the per-order cap ${usd(state.params.maxOrderNotionalRaw)}`
      : null,
  ),

  rule('short_selling', 'new_risk', ({ state, position }, intent) => {
    if (intent.side !== 'sell' || position.qty - position.workingSellQty - intent.qty >= 0n) return null;
    if (intent.assetClass === 'crypto') return 'crypto cannot be sold short';
    if (!state.params.shortSellingAllowed) return 'short selling is not allowed by the risk limits';
    if (state.broker.account?.shortingEnabled !== true) return 'shorting is not enabled on the account';
    return null;
  }),

  rule('pattern_day_trader', 'new_risk', ({ state }, intent) => {
    const account = state.broker.account;
    if (!state.params.enforcePatternDayTrader || intent.assetClass !== 'us_equity' || account === null) {
      return null;
    }
    if (account.equity >= PATTERN_DAY_TRADER_MIN_EQUITY) return null;
    const count = state.dayTrades.count();
    if (count < PATTERN_DAY_TRADE_LIMIT - 1) return null;
    return `${count} day trades in five business days with equity $${formatFixed(account.equity)} under $${PATTERN_DAY_TRADER_MIN_EQUITY_USD}; another could be a fourth`;
  }),

  rule('max_open_positions', 'new_risk', ({ state, position }) => {
    const alreadyOpen = position.qty !== 0n || position.working.length > 0;
    if (alreadyOpen || state.ledger.openSymbols < state.params.maxOpenPositions) return null;
    return `${state.ledger.openSymbols} symbols already have positions or working orders (limit ${state.params.maxOpenPositions})`;
  }),

  rule('max_position_notional', 'new_risk', ({ state, exposureAfterRaw }, intent) =>
    exposureAfterRaw > state.params.maxPositionNotionalRaw
      ? `${intent.symbol} exposure would be ${usd(exposureAfterRaw)}, above ${usd(state.params.maxPositionNotionalRaw)}`
      : null,
  ),

  rule('max_gross_exposure', 'new_risk', ({ state, position, exposureAfterRaw }) => {
    const gross = position.otherSymbolsRaw(state.ledger.grossRaw) + exposureAfterRaw;
    return gross > state.params.maxGrossExposureRaw
      ? `gross exposure would be ${usd(gross)}, above ${usd(state.params.maxGrossExposureRaw)}`
      : null;
  }),

  rule('buying_power', 'new_risk', (context) => {
    const { state, notionalRaw } = context;
    return notionalRaw > context.buyingPowerLeftRaw()
      ? `order ${usd(notionalRaw)} plus working orders ${usd(state.ledger.workingRaw)} exceed buying power ${usd(state.broker.buyingPowerRaw)}`
      : null;
  }),
];

export function ruleApplies(scope: RuleScope, reduceOnly: boolean, killSwitch: boolean): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'new_risk':
      return !reduceOnly;
    case 'reduce_only':
      return reduceOnly;
    case 'except_kill_switch':
      return !killSwitch;
  }
}

/** The rules that apply to each kind of intent, in order, chosen once so a check only runs them. */
export const RULES_BY_INTENT_KIND = {
  entry: PRE_TRADE_RULES.filter((rule) => ruleApplies(rule.scope, false, false)),
  reduceOnly: PRE_TRADE_RULES.filter((rule) => ruleApplies(rule.scope, true, false)),
  killSwitch: PRE_TRADE_RULES.filter((rule) => ruleApplies(rule.scope, true, true)),
} as const;
