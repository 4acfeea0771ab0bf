/**
 * GET /v2/account and the position objects, computed from the ledger and current marks.
 * Reference prices for "today" (last_equity, lastday_price) are taken the first time a session
 * date is seen, since the simulator has no real previous close; the account starts flat.
 * Margin follows Reg T at multiplier 2: buying_power = 2 × equity − gross position value − what
 * open orders hold; maintenance margin is 30 % of gross position value.
 */
import {
  abs,
  div,
  type Fixed,
  formatFixed,
  mul,
  parseFixed,
  SCALE,
  sub,
  ZERO,
} from '../../shared/domain/fixed.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { previousTradingDay, sessionDateOf } from '../../shared/time/nyse-calendar.ts';
import type { AccountLedger, LedgerPosition } from './account-ledger.ts';
import type { AssetCatalog } from './asset-catalog.ts';
import type { MatchingEngine } from './matching-engine.ts';
import { rfc3339Nanos } from './trading-timestamps.ts';

const MAINTENANCE_RATE = parseFixed('0.3');
const DAY_TRADE_WINDOW_SESSIONS = 5;

export interface AccountIdentity {
  readonly id: string;
  readonly accountNumber: string;
  readonly createdUs: number;
}

export class AccountView {
  readonly #clock: Clock;
  readonly #ledger: AccountLedger;
  readonly #engine: MatchingEngine;
  readonly #assets: AssetCatalog;
  readonly #identity: AccountIdentity;
  #lastEquity: { session: string; equity: Fixed } | undefined;
  readonly #lastdayPrices = new Map<string, { session: string; price: Fixed }>();

  constructor(
    clock: Clock,
    ledger: AccountLedger,
    engine: MatchingEngine,
    assets: AssetCatalog,
    identity: AccountIdentity,
  ) {
    this.#clock = clock;
    this.#ledger = ledger;
    this.#engine = engine;
    this.#assets = assets;
    this.#identity = identity;
  }

  account(): Record<string, unknown> {
    const session = sessionDateOf(this.#clock.nowMs());
    const power = this.#engine.exposure.buyingPower();
    const valuation = this.#ledger.valuation((symbol, position) => this.#mark(symbol, position));
    if (this.#lastEquity === undefined || this.#lastEquity.session !== session) {
      this.#lastEquity = { session, equity: valuation.equity };
    }
    const maintenance = mul(power.gross, MAINTENANCE_RATE);
    const dayTradeBase = sub(valuation.equity, maintenance);
    const reserved = this.#engine.exposure.reservedNotional();
    const dayTradingPower = sub(
      mul(dayTradeBase > 0n ? dayTradeBase : ZERO, (4n * SCALE) as Fixed),
      reserved,
    );
    const windowStart = this.#dayTradeWindowStart(session);
    const daytradeCount = this.#ledger.dayTradesSince(windowStart);
    const money = (value: Fixed) => formatFixed(value);
    return {
      id: this.#identity.id,
      account_number: this.#identity.accountNumber,
      status: 'ACTIVE',
      crypto_status: 'ACTIVE',
      currency: 'USD',
      buying_power: money(power.margin),
      regt_buying_power: money(power.margin),
      daytrading_buying_power: money(dayTradingPower > 0n ? dayTradingPower : ZERO),
      effective_buying_power: money(power.margin),
      non_marginable_buying_power: money(power.cash),
      options_buying_power: money(power.cash),
      bod_dtbp: '0',
      cash: money(this.#ledger.cash),
      accrued_fees: '0',
      pending_transfer_in: '0',
      pending_transfer_out: '0',
      portfolio_value: money(valuation.equity),
      pattern_day_trader: daytradeCount >= 4,
      trading_blocked: false,
      transfers_blocked: false,
      account_blocked: false,
      created_at: rfc3339Nanos(this.#identity.createdUs),
      trade_suspended_by_user: false,
      multiplier: '2',
      shorting_enabled: true,
      equity: money(valuation.equity),
      last_equity: money(this.#lastEquity.equity),
      long_market_value: money(valuation.longMarketValue),
      short_market_value: money(valuation.shortMarketValue),
      position_market_value: money(sub(valuation.longMarketValue, valuation.shortMarketValue)),
      initial_margin: money(mul(power.gross, parseFixed('0.5'))),
      maintenance_margin: money(maintenance),
      last_maintenance_margin: money(maintenance),
      sma: '0',
      daytrade_count: daytradeCount,
      balance_asof: session,
      crypto_tier: 1,
      intraday_adjustments: '0',
      pending_reg_taf_fees: '0',
      options_approved_level: 0,
      options_trading_level: 0,
    };
  }

  positions(): Record<string, unknown>[] {
    return [...this.#ledger.positions()].map(([symbol, position]) => this.#position(symbol, position));
  }

  position(symbolOrId: string): Record<string, unknown> | undefined {
    const asset = this.#assets.find(symbolOrId);
    const position = asset === undefined ? undefined : this.#ledger.position(asset.symbol);
    return position === undefined ? undefined : this.#position(asset!.symbol, position);
  }

  #dayTradeWindowStart(session: string): string {
    let date = session;
    for (let i = 1; i < DAY_TRADE_WINDOW_SESSIONS; i++) date = previousTradingDay(date).date;
    return date;
  }

  #mark(symbol: string, position: LedgerPosition): Fixed {
    return this.#engine.exposure.markPrice(symbol) ?? div(position.costBasis, abs(position.qty));
  }

  #position(symbol: string, position: LedgerPosition): Record<string, unknown> {
    const asset = this.#assets.find(symbol)!;
    const session = sessionDateOf(this.#clock.nowMs());
    const price = this.#mark(symbol, position);
    let lastday = this.#lastdayPrices.get(symbol);
    if (lastday === undefined || lastday.session !== session) {
      lastday = { session, price };
      this.#lastdayPrices.set(symbol, lastday);
    }
    const long = position.qty > 0n;
    const costBasis = long ? position.costBasis : (-position.costBasis as Fixed);
    const marketValue = mul(position.qty, price);
    const unrealized = sub(marketValue, costBasis);
    const intraday = mul(sub(price, lastday.price), position.qty);
    const lastdayValue = abs(mul(lastday.price, position.qty));
    const held = this.#engine.exposure.heldQty(symbol, long ? 'sell' : 'buy');
    const available = long ? sub(position.qty, held) : ((position.qty + held) as Fixed);
    return {
      asset_id: asset.id,
      symbol,
      exchange: asset.exchange,
      asset_class: asset.class,
      asset_marginable: asset.marginable,
      qty: formatFixed(position.qty),
      qty_available: formatFixed(available),
      avg_entry_price: formatFixed(div(position.costBasis, abs(position.qty))),
      side: long ? 'long' : 'short',
      market_value: formatFixed(marketValue),
      cost_basis: formatFixed(costBasis),
      unrealized_pl: formatFixed(unrealized),
      unrealized_plpc: formatFixed(div(unrealized, position.costBasis)),
      unrealized_intraday_pl: formatFixed(intraday),
      unrealized_intraday_plpc: formatFixed(lastdayValue === 0n ? ZERO : div(intraday, lastdayValue)),
      current_price: formatFixed(price),
      lastday_price: formatFixed(lastday.price),
      change_today: formatFixed(lastday.price === 0n ? ZERO : div(sub(price, lastday.price), lastday.price)),
    };
  }
}
