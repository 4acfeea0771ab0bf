/**
 * What the pre-trade rules read: references to risk's state, plus the values derived once per
 * intent (its position, reference price, the price its exposure counts at, its notional). One
 * instance is reused for every check, so a check allocates only the bigints its arithmetic makes.
 */
import type { Account } from '../../shared/domain/account.ts';
import { type Fixed, notionalRaw } from '../../shared/domain/fixed.ts';
import type { OrderIntent } from '../../shared/domain/order.ts';
import { PositionLedger } from '../../shared/domain/position-ledger.ts';
import type { TradingCalendar } from '../../shared/time/trading-calendar.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { DayTradeCounter } from './day-trade-counter.ts';
import type { ExecutionLatch } from './execution-latch.ts';
import { type ExposureLedger, SymbolExposure } from './exposure-ledger.ts';
import type { MarketConditions, SymbolMarket } from './market-conditions.ts';
import type { RecentIntents } from './recent-intents.ts';
import type { RiskParameters } from './risk-parameters.ts';
import type { SlidingWindowCounter } from './sliding-window-counter.ts';

export interface BrokerState {
  reconciled: boolean;
  account: Account | null;
  /** Buying power at 1e-18, to compare with notionals. */
  buyingPowerRaw: bigint;
}

export interface RiskState {
  readonly params: RiskParameters;
  readonly ledger: ExposureLedger;
  readonly markets: MarketConditions;
  readonly breaker: CircuitBreaker;
  readonly latch: ExecutionLatch;
  readonly recentIntents: RecentIntents;
  readonly dayTrades: DayTradeCounter;
  readonly symbolThrottles: Map<string, SlidingWindowCounter>;
  readonly overallThrottle: SlidingWindowCounter;
  readonly broker: BrokerState;
  readonly calendar: TradingCalendar;
}

/** Stands in for a symbol risk has never seen: flat, nothing working. Its exposure never changes. */
const UNSEEN_SYMBOL = new SymbolExposure('', new PositionLedger());

/** No working notional is negative, so the first call computes. */
const NOT_MEMOISED = -1n;

export class CheckContext {
  readonly state: RiskState;
  nowMs = 0;
  position: SymbolExposure = UNSEEN_SYMBOL;
  market: SymbolMarket | undefined;
  referenceFresh = false;
  /** The market order's protective bound (also used to price stop and trailing-stop entries). */
  protectiveLimitPrice: Fixed | null = null;
  /** The price the order's exposure counts at; null when the intent gives none that is valid. */
  orderPrice: Fixed | null = null;
  notionalRaw = 0n;
  /** The symbol's exposure with this order working. */
  exposureAfterRaw = 0n;

  #leftFromWorking = NOT_MEMOISED;
  #leftFromPower = NOT_MEMOISED;
  #leftRaw = 0n;

  constructor(state: RiskState) {
    this.state = state;
  }

  /**
   * Buying power less the working orders' notional: an order fits when its notional is at most
   * this. Memoised on the two it is made of, which change per order event, not per check.
   */
  buyingPowerLeftRaw(): bigint {
    const working = this.state.ledger.workingRaw;
    const power = this.state.broker.buyingPowerRaw;
    if (working !== this.#leftFromWorking || power !== this.#leftFromPower) {
      this.#leftFromWorking = working;
      this.#leftFromPower = power;
      this.#leftRaw = power - working;
    }
    return this.#leftRaw;
  }

  prepare(intent: OrderIntent, nowMs: number, nowUs: number): void {
    const { params, ledger, markets } = this.state;
    this.nowMs = nowMs;
    this.position = ledger.get(intent.symbol) ?? UNSEEN_SYMBOL;
    const market = markets.get(intent.symbol);
    this.market = market;
    this.referenceFresh = market?.isFresh(nowUs, params.referenceMaxAgeUs) === true;
    const type = intent.type;
    const bounded = type === 'market' || type === 'stop' || type === 'trailing_stop';
    this.protectiveLimitPrice =
      bounded && this.referenceFresh
        ? market!.protectiveBound(intent.side, params.marketProtectionPct)
        : null;
    this.orderPrice = exposurePrice(intent, this.protectiveLimitPrice);
    this.notionalRaw =
      this.orderPrice !== null && intent.qty > 0n ? notionalRaw(this.orderPrice, intent.qty) : 0n;
    this.exposureAfterRaw = this.position.exposureWith(
      intent.side,
      intent.qty > 0n ? intent.qty : 0n,
      this.notionalRaw,
    );
  }
}

function positive(value: Fixed | undefined): Fixed | null {
  return value !== undefined && value > 0n ? value : null;
}

/**
 * Limit orders count at their limit; market orders at their protective bound (or, with no fresh
 * price, the intent's own reference); stops at the higher of the stop and the bound, since a
 * triggered stop trades at market.
 */
function exposurePrice(intent: OrderIntent, bound: Fixed | null): Fixed | null {
  switch (intent.type) {
    case 'limit':
    case 'stop_limit':
      return positive(intent.limitPrice);
    case 'stop': {
      const stop = positive(intent.stopPrice);
      if (stop === null || bound === null) return stop ?? bound;
      return stop > bound ? stop : bound;
    }
    case 'market':
    case 'trailing_stop':
      return bound ?? positive(intent.referencePrice);
  }
}
