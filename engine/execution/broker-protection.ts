/**
 * Stops held at the broker (`stops.mode = "broker"`): a stop held only in the engine's memory
 * protects nothing while the engine is down, so each open US-equity position also has one
 * protective order working at Alpaca for its whole quantity, on the closing side.
 *
 * - An entry goes out as an OTO whose stop-loss leg protects the position from its first fill
 *   (the router adds the leg). While a leg is `held` its entry is still working, and nothing is
 *   changed until the entry is done.
 * - The protection wanted is a `trailing_stop` order (trail_percent = trailing_stop_pct) when the
 *   trailing stop is the tighter of the two from the entry on (trailing_stop_pct ≤ stop_loss_pct,
 *   as shipped), since it then always lies above the stop loss; otherwise a `stop` at
 *   stop_loss_pct from the average entry, and the trailing stop stays the engine's. A bracket
 *   always keeps its stop leg: Alpaca cancels a bracket's legs together, so swapping it for a
 *   trailing stop would lose the take-profit.
 * - Whatever protects the position is kept in step with it: wrong kind, wrong quantity (a partial
 *   exit, an add), more than one, or none (a leg that expired with its day entry, a position
 *   found at reconciliation or adopted from outside) — the protective orders are cancelled and
 *   confirmed, then one right one is sent. The review runs after every order report and fill in
 *   the symbol and once a second for every position, never while the risk-action executor is
 *   closing the symbol (it cancels the protection itself before it exits).
 *
 * The engine's own stops keep running on top: whichever fires first closes the position, and an
 * exit is always sized from the position after the other's orders are final.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { abs, type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import {
  isTerminalStatus,
  type OrderIntent,
  type OrderSide,
  type OrderType,
} from '../../shared/domain/order.ts';
import type { Position } from '../../shared/domain/position.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { VenueOrder } from '../../shared/venue/venue-types.ts';
import { RISK_STRATEGY_ID } from '../risk/exit-intents.ts';
import { protectiveStopPrice } from '../risk/protective-stop.ts';
import { clientOrderIdFor } from './client-order-id.ts';
import type { ExecutionEvents } from './execution-events.ts';
import type { OrderRouter } from './order-router.ts';
import type { OrderSettlement } from './order-settlement.ts';
import type { OrderTracker } from './order-tracker.ts';

const PROTECTIVE_TYPES: ReadonlySet<OrderType> = new Set(['stop', 'stop_limit', 'trailing_stop']);
const LEG_CLASSES: ReadonlySet<string> = new Set(['bracket', 'oco']);

function isKind(type: OrderType, wanted: ProtectionKind): boolean {
  return wanted === 'trailing_stop' ? type === 'trailing_stop' : type === 'stop' || type === 'stop_limit';
}

type ProtectionKind = 'trailing_stop' | 'stop';
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

export interface BrokerProtectionOptions {
  /** Every order report and fill: the broker's protective orders and the positions they cover. */
  readonly events: ExecutionEvents;
  readonly router: Pick<OrderRouter, 'submit' | 'cancel' | 'refreshOrder'>;
  readonly tracker: Pick<OrderTracker, 'get' | 'knows'>;
  position(symbol: string): Position;
  /** False until positions are reconciled with the broker: protection is sized from them. */
  ready(): boolean;
  /** The risk-action executor is closing the symbol: hands off. */
  isClosing(symbol: string): boolean;
  sessionDate(): string;
  referencePrice(symbol: string): Fixed;
  readonly stopLossPct: Fixed;
  readonly trailingStopPct: Fixed;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Shared with everything else that waits on the broker; stopping it ends every wait. */
  readonly settlement: OrderSettlement;
}

interface ExitOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly remainingQty: Fixed;
  readonly held: boolean;
  /** A bracket's take-profit leg (or an OCO's limit): it exits, but it is not a stop. */
  readonly takeProfit: boolean;
}

interface SymbolReview {
  running: Promise<void> | null;
  again: boolean;
  failures: number;
  retryAtMs: number;
}

export class BrokerProtection {
  readonly #options: BrokerProtectionOptions;
  readonly #settlement: OrderSettlement;
  readonly #actions: Counter<'action' | 'outcome'>;
  /** Every open stop-type order and bracket/OCO leg at the broker, whoever placed it. */
  readonly #exitOrders = new Map<string, ExitOrder>();
  readonly #reviews = new Map<string, SymbolReview>();
  readonly #wanted: ProtectionKind;
  #stopped = false;

  constructor(options: BrokerProtectionOptions) {
    this.#options = options;
    this.#wanted = options.trailingStopPct <= options.stopLossPct ? 'trailing_stop' : 'stop';
    this.#actions = new Counter({
      name: 'broker_protection_actions_total',
      help: 'Protective orders kept at the broker (stops.mode = "broker"): cancels and sends, by outcome',
      labelNames: ['action', 'outcome'],
      registers: [options.registry],
    });
    this.#settlement = options.settlement;
    options.events.subscribe((event) => {
      if (event.type === 'order_reported') this.#onOrder(event.order);
      else if (event.type === 'fill_booked') this.#onFill(event.fill.symbol);
    });
  }

  /** Every venue order object the engine sees. */
  #onOrder(order: VenueOrder): void {
    const stop = PROTECTIVE_TYPES.has(order.type);
    const takeProfit = !stop && order.type === 'limit' && LEG_CLASSES.has(order.orderClass);
    if (stop || takeProfit) {
      if (isTerminalStatus(order.status)) this.#exitOrders.delete(order.clientOrderId);
      else
        this.#exitOrders.set(order.clientOrderId, {
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          remainingQty: (order.qty - order.filledQty) as Fixed,
          held: order.status === 'held',
          takeProfit,
        });
    }
    this.review(order.symbol);
  }

  /** After a fill: the position changed. */
  #onFill(symbol: string): void {
    this.review(symbol);
  }

  /** A working order that protects the position (it does not count as exposure a strategy holds). */
  isProtective(clientOrderId: string): boolean {
    const order = this.#exitOrders.get(clientOrderId);
    if (order === undefined) return false;
    const qty = this.#options.position(order.symbol).qty;
    return qty !== 0n && order.side === (qty > 0n ? 'sell' : 'buy');
  }

  /** Once a second (engine housekeeping): every open position and every symbol with stop orders. */
  reviewAll(symbols: Iterable<string>): void {
    for (const symbol of symbols) this.review(symbol);
    for (const order of this.#exitOrders.values()) this.review(order.symbol);
  }

  review(symbol: string): void {
    if (this.#stopped || isCryptoSymbol(symbol)) return;
    let review = this.#reviews.get(symbol);
    if (review === undefined) {
      review = { running: null, again: false, failures: 0, retryAtMs: 0 };
      this.#reviews.set(symbol, review);
    }
    if (review.running !== null) {
      review.again = true;
      return;
    }
    const state = review;
    state.running = (async () => {
      do {
        state.again = false;
        await this.#review(symbol, state);
      } while (state.again && !this.#stopped);
    })()
      .catch((error: unknown) =>
        this.#options.logger.error({ err: error, symbol }, 'protection review failed'),
      )
      .finally(() => {
        state.running = null;
      });
  }

  stop(): void {
    this.#stopped = true;
  }

  async settled(): Promise<void> {
    await Promise.all([...this.#reviews.values()].map((review) => review.running));
  }

  async #review(symbol: string, review: SymbolReview): Promise<void> {
    const options = this.#options;
    if (!options.ready() || options.isClosing(symbol)) return;
    if (options.clock.nowMs() < review.retryAtMs) return;
    const orders = [...this.#exitOrders.values()].filter((order) => order.symbol === symbol);
    // An entry still working with its legs held: they take over once it has filled.
    if (orders.some((order) => order.held)) return;
    const qty = options.position(symbol).qty;
    if (qty === 0n) return;
    const closingSide: OrderSide = qty > 0n ? 'sell' : 'buy';
    const closing = orders.filter((order) => order.side === closingSide);
    // A bracket keeps its stop leg: swapping it for a trailing stop would cancel the take-profit
    // with it (Alpaca cancels a bracket's legs together).
    const wanted = closing.some((order) => order.takeProfit) ? 'stop' : this.#wanted;
    const protective = closing.filter((order) => !order.takeProfit);
    const [only] = protective;
    if (
      protective.length === 1 &&
      only !== undefined &&
      only.remainingQty === abs(qty) &&
      isKind(only.type, wanted)
    )
      return;
    for (const order of protective)
      await this.#settlement.cancelAndConfirm(order.clientOrderId, (outcome) =>
        this.#actions.inc({ action: 'cancel', outcome }),
      );
    if (this.#stopped || options.isClosing(symbol)) return;
    const position = options.position(symbol);
    if (position.qty === 0n || (position.qty > 0n ? 'sell' : 'buy') !== closingSide) return;
    const intent = this.#protectiveIntent(position, closingSide, wanted);
    if (intent === null) return;
    const result = await options.router.submit(intent);
    this.#actions.inc({ action: wanted, outcome: result.ok ? 'sent' : result.code });
    if (result.ok) {
      review.failures = 0;
      options.logger.info(
        { symbol, type: intent.type, qty: formatFixed(intent.qty), clientOrderId: result.clientOrderId },
        'position protected at the broker',
      );
      return;
    }
    review.failures += 1;
    review.retryAtMs =
      options.clock.nowMs() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (review.failures - 1));
    options.logger.warn({ symbol, code: result.code, message: result.message }, 'protective order refused');
  }

  #protectiveIntent(position: Position, side: OrderSide, wanted: ProtectionKind): OrderIntent | null {
    const options = this.#options;
    const { symbol } = position;
    const base = {
      intentId: this.#nextIntentId(symbol),
      strategyId: RISK_STRATEGY_ID,
      symbol,
      assetClass: 'us_equity' as const,
      side,
      qty: abs(position.qty),
      // Protection outlives the session: a day order would leave the position bare overnight.
      timeInForce: 'gtc' as const,
      referencePrice: options.referencePrice(symbol),
      createdAtMs: options.clock.nowMs(),
    };
    if (wanted === 'trailing_stop')
      return {
        ...base,
        type: 'trailing_stop',
        trailPercent: options.trailingStopPct,
        purpose: 'trailing_stop',
      };
    const stopPrice = protectiveStopPrice(
      side === 'sell' ? 'buy' : 'sell',
      position.avgEntryPrice,
      options.stopLossPct,
    );
    return stopPrice === null ? null : { ...base, type: 'stop', stopPrice, purpose: 'stop_loss' };
  }

  /** The next id not used today (an id in use could be one sent just before a restart). */
  #nextIntentId(symbol: string): string {
    const prefix = `${RISK_STRATEGY_ID}:protect:${symbol}:${this.#options.sessionDate()}:`;
    for (let episode = 1; ; episode++) {
      const intentId = `${prefix}${episode}`;
      if (!this.#options.tracker.knows(clientOrderIdFor(RISK_STRATEGY_ID, intentId))) return intentId;
    }
  }
}
