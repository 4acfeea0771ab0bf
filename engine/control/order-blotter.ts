/**
 * The session's orders as the operator sees them: the request as it was sent (type, time in force,
 * prices, who sent it) joined with the broker's latest report. The tracker keeps what fills and
 * risk need; this keeps what a person reads, off the hot path (it is fed from the execution event
 * bus), with finished orders kept to a bound.
 */
import type { OrderAnswer } from '../../shared/api/engine-api-schemas.ts';
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import { isTerminalStatus, type OrderIntent, type OrderStatus } from '../../shared/domain/order.ts';
import type { OrderRequest, VenueOrder } from '../../shared/venue/venue-types.ts';

const FINISHED_KEPT = 500;

const fixedOrNull = (value: Fixed | null | undefined): string | null =>
  value === null || value === undefined ? null : formatFixed(value);

export class OrderBlotter {
  readonly #open = new Map<string, OrderAnswer>();
  // Insertion order is finish order: the first entries are the oldest.
  readonly #finished = new Map<string, OrderAnswer>();
  /**
   * The version (venue update time, ns) of each order's latest report: a REST answer can arrive
   * after the fill it preceded, and must not bring a filled order back as open.
   */
  readonly #versions = new Map<string, bigint>();
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
    const version = this.#versions.get(order.clientOrderId);
    if (version !== undefined && order.updatedAtNs < version) return;
    if (this.#finished.has(order.clientOrderId) && !isTerminalStatus(order.status)) return;
    this.#versions.set(order.clientOrderId, order.updatedAtNs);
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
    this.#finish(answer);
  }

  /**
   * A status the tracker settled without a report from the venue (a send it refused, a rejection
   * without an order object): the order leaves the working list with it.
   */
  statusChanged(clientOrderId: string, status: OrderStatus, nowMs: number): void {
    const open = this.#open.get(clientOrderId);
    if (open === undefined || !isTerminalStatus(status)) return;
    this.#finish({ ...open, status, updatedAt: new Date(nowMs).toISOString() });
  }

  #finish(answer: OrderAnswer): void {
    this.#open.delete(answer.clientOrderId);
    this.#finished.delete(answer.clientOrderId);
    this.#finished.set(answer.clientOrderId, answer);
    if (this.#finished.size > FINISHED_KEPT) {
      const oldest = this.#finished.keys().next().value!;
      this.#finished.delete(oldest);
      this.#versions.delete(oldest);
    }
  }

  /** A send the broker never saw (refused before it left, or rejected without a report). */
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
