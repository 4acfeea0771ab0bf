/**
 * Every order the engine knows, by client_order_id and by venue id, fed by request answers and
 * order events. Orders it did not place (a manual order in the broker's UI) are adopted from
 * their first report, so their fills still reach the portfolio and positions match the broker.
 */

import type { VenueOrder, VenueOrderEvent } from '../../shared/venue/venue-types.ts';
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
  /**
   * Ids of finished orders whose state was dropped to bound memory. Reports about them are
   * ignored: adopting one afresh would book its fills a second time.
   */
  readonly #forgotten = new Set<string>();
  /**
   * The states not yet terminal, in the order they were first tracked: openOrders reads these
   * instead of every order a long session tracked (a strategy asks for its exposure per decision).
   */
  readonly #open = new Set<OrderState>();

  /** Starts tracking an order before it is sent, so an answer racing the POST finds it. */
  register(identity: OrderIdentity): OrderState {
    const existing = this.#byClientOrderId.get(identity.clientOrderId);
    if (existing !== undefined) return existing;
    const state = new OrderState(identity);
    this.#byClientOrderId.set(identity.clientOrderId, state);
    this.#open.add(state);
    return state;
  }

  /** Tracked now, or finished and forgotten: either way, not a new order. */
  knows(clientOrderId: string): boolean {
    return this.#byClientOrderId.has(clientOrderId) || this.#forgotten.has(clientOrderId);
  }

  get(clientOrderId: string): OrderState | undefined {
    return this.#byClientOrderId.get(clientOrderId);
  }

  getByOrderId(orderId: string): OrderState | undefined {
    const clientOrderId = this.#clientOrderIdByOrderId.get(orderId);
    return clientOrderId === undefined ? undefined : this.#byClientOrderId.get(clientOrderId);
  }

  onOrderEvent(update: VenueOrderEvent): OrderEffects {
    const state = this.#stateFor(update.order);
    if (state === undefined) return NO_EFFECTS;
    let versionNs = update.order.updatedAtNs;
    if (update.timestampNs > versionNs) versionNs = update.timestampNs;
    const observed = state.observe(update.order, versionNs);
    const effects =
      update.execution === null
        ? observed
        : combine(observed, state.recordExecution(update.execution, update.order.filledQty));
    this.#closeIfTerminal(state);
    return combine(effects, state.settleIfFinal(update.timestampMs));
  }

  /** The broker refused the order on submission (a 4xx): it is final without any report. */
  markRejected(clientOrderId: string): void {
    const state = this.#byClientOrderId.get(clientOrderId);
    if (state === undefined) return;
    state.markRejected();
    this.#closeIfTerminal(state);
  }

  /** An order object from a REST answer (submit, lookup, replace, list). */
  onOrder(order: VenueOrder): OrderEffects {
    const state = this.#stateFor(order);
    if (state === undefined) return NO_EFFECTS;
    const effects = state.observe(order);
    this.#closeIfTerminal(state);
    return effects;
  }

  /** A REST snapshot taken to close a gap: cumulative fills no execution explained get booked. */
  reconcile(order: VenueOrder): OrderEffects {
    const state = this.#stateFor(order);
    if (state === undefined) return NO_EFFECTS;
    const effects = state.reconcile(order);
    this.#closeIfTerminal(state);
    return effects;
  }

  /** Drops a finished order's state; later reports about it are ignored. Open orders are kept. */
  forget(clientOrderId: string): boolean {
    const state = this.#byClientOrderId.get(clientOrderId);
    if (state === undefined || !state.isTerminal) return false;
    this.#byClientOrderId.delete(clientOrderId);
    this.#forgotten.add(clientOrderId);
    if (state.orderId !== null) {
      this.#clientOrderIdByOrderId.delete(state.orderId);
      this.#forgotten.add(state.orderId);
    }
    return true;
  }

  get size(): number {
    return this.#byClientOrderId.size;
  }

  /** Orders not yet in a terminal status, including those not yet acknowledged. */
  openOrders(): OrderState[] {
    return [...this.#open];
  }

  #closeIfTerminal(state: OrderState): void {
    if (state.isTerminal) this.#open.delete(state);
  }

  #stateFor(order: VenueOrder): OrderState | undefined {
    if (this.#forgotten.has(order.clientOrderId) || this.#forgotten.has(order.id)) return undefined;
    let state = this.#byClientOrderId.get(order.clientOrderId) ?? this.getByOrderId(order.id);
    if (state === undefined) {
      state = OrderState.fromBroker(order);
      this.#byClientOrderId.set(order.clientOrderId, state);
      this.#open.add(state);
    }
    this.#clientOrderIdByOrderId.set(order.id, state.clientOrderId);
    return state;
  }
}
