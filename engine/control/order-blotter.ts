/**
 * The session's orders as the operator sees them: the request as it was sent (type, time in force,
 * prices, who sent it) joined with the broker's latest report. The tracker keeps what fills and
 * risk need; this keeps what a person reads, off the hot path (it is fed from the execution event
 * bus), with finished orders kept to a bound.
 */
import type { OrderAnswer } from '../../shared/api/engine-api-schemas.ts';
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import { isTerminalStatus, type OrderIntent } from '../../shared/domain/order.ts';
import type { OrderRequest, VenueOrder } from '../../shared/venue/venue-types.ts';

const FINISHED_KEPT = 500;

const fixedOrNull = (value: Fixed | null | undefined): string | null =>
  value === null || value === undefined ? null : formatFixed(value);

export class OrderBlotter {
  readonly #open = new Map<string, OrderAnswer>();
  // Insertion order is finish order: the first entries are the oldest.
  readonly #finished = new Map<string, OrderAnswer>();
  readonly #origin: (clientOrderId: string, intent: OrderIntent | undefined) => string;

  constructor(origin: (clientOrderId: string, intent: OrderIntent | undefined) => string) {
    this.#origin = origin;
  }

  sending(request: OrderRequest, intent: OrderIntent | undefined, nowMs: number): void {
    if (this.#open.has(request.clientOrderId) || this.#finished.has(request.clientOrderId)) return;
    const at = new Date(nowMs).toISOString();
    this.#open.set(request.clientOrderId, {
      clientOrderId: request.clientOrderId,
      orderId: null,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      timeInForce: request.timeInForce,
      qty: formatFixed(request.qty),
      filledQty: '0',
      filledAvgPrice: null,
      limitPrice: fixedOrNull(request.limitPrice),
      stopPrice: fixedOrNull(request.stopPrice),
      status: 'pending_new',
      origin: this.#origin(request.clientOrderId, intent),
      createdAt: at,
      updatedAt: at,
    });
  }

  reported(order: VenueOrder, intent: OrderIntent | undefined): void {
    const known = this.#open.get(order.clientOrderId) ?? this.#finished.get(order.clientOrderId);
    const answer: OrderAnswer = {
      clientOrderId: order.clientOrderId,
      orderId: order.id,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      timeInForce: order.timeInForce,
      qty: formatFixed(order.qty),
      filledQty: formatFixed(order.filledQty),
      filledAvgPrice: fixedOrNull(order.filledAvgPrice),
      limitPrice: fixedOrNull(order.limitPrice),
      stopPrice: fixedOrNull(order.stopPrice),
      status: order.status,
      origin: known?.origin ?? this.#origin(order.clientOrderId, intent),
      createdAt: new Date(order.createdAtMs).toISOString(),
      updatedAt: new Date(order.updatedAtMs).toISOString(),
    };
    if (!isTerminalStatus(order.status)) {
      this.#open.set(order.clientOrderId, answer);
      return;
    }
    this.#open.delete(order.clientOrderId);
    this.#finished.delete(order.clientOrderId);
    this.#finished.set(order.clientOrderId, answer);
    if (this.#finished.size > FINISHED_KEPT) this.#finished.delete(this.#finished.keys().next().value!);
  }

  /** A send the broker never saw (refused before it left, or rejected without a report). */
  dropped(clientOrderId: string): void {
    this.#open.delete(clientOrderId);
  }

  get(clientOrderId: string): OrderAnswer | undefined {
    return this.#open.get(clientOrderId) ?? this.#finished.get(clientOrderId);
  }

  /** Newest first. */
  open(): OrderAnswer[] {
    return [...this.#open.values()].reverse();
  }

  /** Newest first. */
  finished(): OrderAnswer[] {
    return [...this.#finished.values()].reverse();
  }
}
