/**
 * Alpaca's pre-trade refusals that need account or venue state, after the request's own shape
 * was validated (order-request.ts): the asset and its flags, sub-penny prices, fractional and
 * crypto rules, the opg/cls submission windows, client_order_id uniqueness, the bracket, oco and
 * oto rules that need the position and the market, the quantity a closing order may use,
 * shortability and buying power. It also decides what the order reserves and its
 * position_intent.
 */
import {
  abs,
  type Fixed,
  fixedFromNumber,
  formatFixed as fmt,
  SCALE,
  sub,
  ZERO,
} from '../../shared/domain/fixed.ts';
import { mulFixed } from '../../shared/domain/fixed-mul.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { newYorkWallTime } from '../../shared/time/new-york-time.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import type { AccountExposure } from './account-exposure.ts';
import type { AccountLedger } from './account-ledger.ts';
import { type ApiError, type ApiResult, apiErrors, fail, ok } from './api-error.ts';
import type { AssetCatalog, SimAsset } from './asset-catalog.ts';
import type { OpenOrderList } from './open-orders.ts';
import { orderClassStateProblem } from './order-class-rules.ts';
import { type SimOrderRequest, subPennyError } from './order-request.ts';
import type { SessionCalendar } from './session-calendar.ts';
import type { PositionIntent, SimOrder } from './sim-order.ts';

export interface Admission {
  readonly asset: SimAsset;
  /** Buying power the order holds while open (zero for orders that reduce a position). */
  readonly reserved: Fixed;
  readonly intent: PositionIntent;
}

export interface OrderAdmissionDeps {
  readonly clock: Clock;
  readonly session: SessionCalendar;
  readonly quotes: QuoteSource;
  readonly assets: AssetCatalog;
  readonly ledger: AccountLedger;
  readonly exposure: AccountExposure;
  readonly clientOrderIdTaken: (clientOrderId: string) => boolean;
  /** The account's open orders, for the wash-trade check. */
  readonly open: OpenOrderList;
}

export class OrderAdmission {
  readonly #deps: OrderAdmissionDeps;

  constructor(deps: OrderAdmissionDeps) {
    this.#deps = deps;
  }

  /**
   * Admits an order or says why not. `replacing`: the order a replacement would take over from;
   * what it holds and reserves is not counted against the replacement.
   */
  admit(request: SimOrderRequest, replacing: SimOrder | null): ApiResult<Admission> {
    const asset = this.#deps.assets.find(request.symbol);
    if (asset === undefined) return fail(apiErrors.unprocessable(`asset "${request.symbol}" not found`));
    if (!asset.tradable || asset.status !== 'active') {
      return fail(apiErrors.unprocessable(`asset ${asset.symbol} is not tradable`));
    }
    const shape = this.#assetRuleProblem(request, asset);
    if (shape !== undefined) return fail(shape);
    if (request.clientOrderId !== null && this.#deps.clientOrderIdTaken(request.clientOrderId)) {
      return fail(apiErrors.invalid('client_order_id must be unique'));
    }

    const ledger = this.#deps.ledger;
    const position = ledger.positionQty(asset.symbol);
    const quote = this.#deps.quotes.latestQuote(asset.symbol);
    const touch = request.side === 'buy' ? quote?.askPrice : quote?.bidPrice;
    const reference =
      request.limitPrice ??
      request.stopPrice ??
      (touch !== undefined && touch > 0
        ? fixedFromNumber(touch)
        : this.#deps.exposure.markPrice(asset.symbol));
    const qty =
      request.qty ??
      (reference !== undefined && reference > 0n ? qtyForNotional(request.notional!, reference) : ZERO);

    const closing = request.side === 'sell' ? position > 0n : position < 0n;
    if ((request.orderClass ?? 'simple') !== 'simple') {
      const classProblem = orderClassStateProblem(request, {
        closing,
        crypto: asset.class === 'crypto',
        marketPrice: this.#deps.exposure.markPrice(asset.symbol),
      });
      if (classProblem !== undefined) return fail(classProblem);
    }

    const opposite = this.#crossingOppositeOrder(request, asset.symbol, replacing);
    if (opposite !== undefined) {
      return fail(
        apiErrors.forbidden('potential wash trade detected. use complex orders', {
          reject_reason: `opposite side ${opposite.type} order ${opposite.id} exists`,
        }),
      );
    }

    if (closing) {
      const held = this.#deps.exposure.heldQty(asset.symbol, request.side, replacing);
      const available = sub(abs(position), held);
      if (qty > available) {
        return fail(
          apiErrors.forbidden(
            `insufficient qty available for order (requested: ${fmt(qty)}, available: ${fmt(available)})`,
            {
              available: fmt(available),
              existing_qty: fmt(abs(position)),
              held_for_orders: fmt(held),
              symbol: asset.symbol,
            },
          ),
        );
      }
      return ok({
        asset,
        reserved: ZERO,
        intent: request.side === 'sell' ? 'sell_to_close' : 'buy_to_close',
      });
    }

    if (request.side === 'sell') {
      if (asset.class === 'crypto') {
        const base = asset.symbol.split('/')[0];
        return fail(
          apiErrors.forbidden(`insufficient balance for ${base} (requested: ${fmt(qty)}, available: 0)`, {
            balance: '0',
            symbol: asset.symbol,
          }),
        );
      }
      if (!asset.shortable || !asset.easy_to_borrow) {
        return fail(apiErrors.forbidden(`asset ${asset.symbol} is not shortable`));
      }
      if (request.qty === null || request.qty % SCALE !== 0n) {
        return fail(apiErrors.forbidden('fractional orders cannot be sold short'));
      }
    }
    const cost = request.notional ?? (reference !== undefined ? mulFixed(qty, reference) : ZERO);
    const power = this.#deps.exposure.buyingPower(replacing);
    const available = asset.class === 'crypto' ? power.cash : power.margin;
    if (cost > available) {
      return fail(
        apiErrors.forbidden('insufficient buying power', {
          buying_power: fmt(available),
          cost_basis: fmt(cost),
        }),
      );
    }
    return ok({ asset, reserved: cost, intent: request.side === 'buy' ? 'buy_to_open' : 'sell_to_open' });
  }

  /**
   * Alpaca refuses an order that could execute against the account's own open order on the
   * other side. Crossing is judged on market and limit prices (a market order crosses anything
   * priced); untriggered stops are not counted, a documented simplification.
   */
  #crossingOppositeOrder(
    request: SimOrderRequest,
    symbol: string,
    replacing: SimOrder | null,
  ): SimOrder | undefined {
    const newPrice =
      request.type === 'market' ? 'market' : request.type === 'limit' ? request.limitPrice : undefined;
    if (newPrice === undefined || newPrice === null) return undefined;
    for (let open = this.#deps.open.first; open !== null; open = open.nextOpen) {
      if (open === replacing || open.symbol !== symbol || open.side === request.side) continue;
      // A held leg is not working yet: it cannot trade against anything until its entry fills.
      if (open.status === 'pending_cancel' || open.status === 'held') continue;
      const openPrice =
        open.type === 'market' ? 'market' : open.type === 'limit' ? open.limitPrice : undefined;
      if (openPrice === undefined || openPrice === null) continue;
      if (newPrice === 'market' || openPrice === 'market') return open;
      const buyPrice = request.side === 'buy' ? newPrice : openPrice;
      const sellPrice = request.side === 'buy' ? openPrice : newPrice;
      if (buyPrice >= sellPrice) return open;
    }
    return undefined;
  }

  #assetRuleProblem(request: SimOrderRequest, asset: SimAsset): ApiError | undefined {
    const fractional = request.notional !== null || (request.qty !== null && request.qty % SCALE !== 0n);
    if (asset.class === 'crypto') {
      if (request.timeInForce !== 'gtc' && request.timeInForce !== 'ioc') {
        return apiErrors.unprocessable('crypto orders must have time_in_force gtc or ioc');
      }
      if (request.type !== 'market' && request.type !== 'limit' && request.type !== 'stop_limit') {
        return apiErrors.unprocessable('crypto orders must be market, limit or stop_limit orders');
      }
      return undefined;
    }
    const subPenny =
      subPennyProblem('limit_price', request.limitPrice) ??
      subPennyProblem('stop_price', request.stopPrice) ??
      subPennyProblem('trail_price', request.trailPrice) ??
      subPennyProblem('take_profit.limit_price', request.takeProfit?.limitPrice ?? null) ??
      subPennyProblem('stop_loss.stop_price', request.stopLoss?.stopPrice ?? null) ??
      subPennyProblem('stop_loss.limit_price', request.stopLoss?.limitPrice ?? null);
    if (subPenny !== undefined) return apiErrors.unprocessable(subPenny);
    if (fractional) {
      if (!asset.fractionable) return apiErrors.unprocessable(`asset ${asset.symbol} is not fractionable`);
      if (request.timeInForce !== 'day')
        return apiErrors.unprocessable('fractional orders must be DAY orders');
      if (request.type !== 'market' && request.type !== 'limit') {
        return apiErrors.unprocessable('fractional orders must be market or limit orders');
      }
      if (request.extendedHours)
        return apiErrors.unprocessable('fractional orders cannot trade in extended hours');
    }
    if (this.#deps.session.hours === 'nyse') {
      const minute = newYorkWallTime(this.#deps.clock.nowMs()).minuteOfDay;
      if (request.timeInForce === 'opg' && minute >= 9 * 60 + 28 && minute < 19 * 60) {
        return apiErrors.unprocessable('opg orders cannot be submitted between 9:28 and 19:00 ET');
      }
      if (request.timeInForce === 'cls' && minute >= 15 * 60 + 50 && minute < 19 * 60) {
        return apiErrors.unprocessable('cls orders cannot be submitted between 15:50 and 19:00 ET');
      }
    }
    return undefined;
  }
}

function subPennyProblem(field: string, price: Fixed | null): string | undefined {
  return price === null ? undefined : subPennyError(field, price);
}

function qtyForNotional(notional: Fixed, price: Fixed): Fixed {
  return ((notional * SCALE) / price) as Fixed;
}
