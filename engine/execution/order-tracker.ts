/**
 * Every order the engine knows, by client_order_id and by broker id, fed by REST answers and
 * trade_updates. Orders it did not place (a manual order in the broker's UI) are adopted from
 * their first report, so their fills still reach the portfolio and positions match the broker.
 */

import type { TradeUpdate } from '../../shared/broker/alpaca/trade-updates-client-types.ts';
import type { AlpacaOrder } from '../../shared/broker/alpaca/trading-client-types.ts';
import { NO_EFFECTS, type OrderEffects, type OrderIdentity, OrderState } from './order-state.ts';

function combine(first: OrderEffects, second: OrderEffects): OrderEffects {
  if (first === NO_EFFECTS) return second;
  if (second === NO_EFFECTS) return first;
  return {
    bookings: [...first.bookings, ...second.bookings],
    alarms: [...first.alarms, ...second.alarms],
  };
}

export class OrderTracker {
  readonly #byClientOrderId = new Map<string, OrderState>();
  readonly #clientOrderIdByOrderId = new Map<string, string>();

  /** Starts tracking an order before it is sent, so an answer racing the POST finds it. */
  register(identity: OrderIdentity): OrderState {
    const existing = this.#byClientOrderId.get(identity.clientOrderId);
    if (existing !== undefined) return existing;
    const state = new OrderState(identity);
    this.#byClientOrderId.set(identity.clientOrderId, state);
    return state;
  }

  get(clientOrderId: string): OrderState | undefined {
    return this.#byClientOrderId.get(clientOrderId);
  }

  getByOrderId(orderId: string): OrderState | undefined {
    const clientOrderId = this.#clientOrderIdByOrderId.get(orderId);
    return clientOrderId === undefined ? undefined : this.#byClientOrderId.get(clientOrderId);
  }

  onTradeUpdate(update: TradeUpdate): OrderEffects {
    const state = this.#stateFor(update.order);
    let versionNs = update.order.updatedAtNs;
    if (update.timestampNs > versionNs) versionNs = update.timestampNs;
    const observed = state.observe(update.order, versionNs);
    if (update.execution === null) return observed;
    return combine(observed, state.recordExecution(update.execution));
  }

  /** The broker refused the order on submission (a 4xx): it is final without any report. */
  markRejected(clientOrderId: string): void {
    this.#byClientOrderId.get(clientOrderId)?.markRejected();
  }

  /** An order object from a REST answer (submit, lookup, replace, list). */
  onOrder(order: AlpacaOrder): OrderEffects {
    return this.#stateFor(order).observe(order);
  }

  /** A REST snapshot taken to close a gap: cumulative fills no execution explained get booked. */
  reconcile(order: AlpacaOrder): OrderEffects {
    return this.#stateFor(order).reconcile(order);
  }

  /** Orders not yet in a terminal status, including those not yet acknowledged. */
  openOrders(): OrderState[] {
    const open: OrderState[] = [];
    for (const state of this.#byClientOrderId.values()) if (!state.isTerminal) open.push(state);
    return open;
  }

  #stateFor(order: AlpacaOrder): OrderState {
    let state = this.#byClientOrderId.get(order.clientOrderId) ?? this.getByOrderId(order.id);
    if (state === undefined) {
      state = OrderState.fromBroker(order);
      this.#byClientOrderId.set(order.clientOrderId, state);
    }
    this.#clientOrderIdByOrderId.set(order.id, state.clientOrderId);
    return state;
  }
}
