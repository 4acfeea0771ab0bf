/**
 * One order's state, merged from everything the broker says about it: REST answers and
 * trade_updates events, in whatever order they arrive and however often.
 *
 * Why a merge rather than a transition table: the same order is reported by two channels (the
 * POST/GET answer and the stream) whose relative order is arbitrary, and the stream replays
 * after a reconnect. So every observation is folded in with operations that are commutative,
 * associative and idempotent — union of executions by id, maximum of cumulative quantities,
 * an absorbing terminal status, and otherwise the newest status by the broker's own timestamp
 * (ties broken by lifecycle rank). The final state is then the same for any arrival order.
 *
 * Positions are fed from here: each new execution is booked once, capped at the order quantity
 * (the excess is an alarm, never a silent position change). A cumulative fill seen only on a
 * REST snapshot is booked by `reconcile` — the gap-closing step after a stream outage — and the
 * executions that explain it later are recorded but not booked again.
 */

import type { Fill } from '../../shared/domain/fill.ts';
import { divRoundHalfEven, type Fixed, formatFixed, max, sub, ZERO } from '../../shared/domain/fixed.ts';
import { isTerminalStatus, type OrderSide, type OrderStatus } from '../../shared/domain/order.ts';
import type { VenueExecution, VenueOrder } from '../../shared/venue/venue-types.ts';

/** Lifecycle rank: which of two statuses reported at the same instant is further along. */
const STATUS_RANK: Readonly<Record<OrderStatus, number>> = {
  held: 0,
  pending_review: 1,
  pending_new: 1,
  accepted: 2,
  accepted_for_bidding: 2,
  new: 3,
  partially_filled: 4,
  suspended: 5,
  stopped: 5,
  done_for_day: 5,
  calculated: 6,
  pending_replace: 6,
  pending_cancel: 6,
  rejected: 7,
  expired: 8,
  canceled: 8,
  replaced: 8,
  filled: 9,
};

/** Statuses that mean "working, nothing pending" and become partially_filled once anything fills. */
const WORKING: ReadonlySet<OrderStatus> = new Set(['new', 'accepted', 'pending_new', 'accepted_for_bidding']);

export type OrderAlarm =
  | {
      readonly kind: 'overfill';
      readonly clientOrderId: string;
      readonly orderId: string | null;
      readonly orderQty: Fixed;
      readonly filledQty: Fixed;
    }
  | {
      readonly kind: 'conflicting_execution';
      readonly clientOrderId: string;
      readonly executionId: string;
    };

/** What one observation changed for the rest of the engine. */
export interface OrderEffects {
  /** Executions to book into the portfolio, each exactly once. */
  readonly bookings: readonly Fill[];
  readonly alarms: readonly OrderAlarm[];
}

export const NO_EFFECTS: OrderEffects = Object.freeze({ bookings: [], alarms: [] });

export interface OrderView {
  readonly clientOrderId: string;
  readonly orderId: string | null;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Zero until known (a notional order, or an order first seen without a quantity). */
  readonly qty: Fixed;
  /** null until the broker has reported the order. */
  readonly status: OrderStatus | null;
  readonly filledQty: Fixed;
  readonly filledAvgPrice: Fixed | null;
  /** Every distinct execution seen, ordered by execution id. */
  readonly executions: readonly Fill[];
  readonly bookedQty: Fixed;
  readonly replacedBy: string | null;
  readonly replaces: string | null;
}

interface StatusReport {
  readonly status: OrderStatus;
  readonly versionNs: bigint;
}

function isNewer(candidate: StatusReport, current: StatusReport | null): boolean {
  if (current === null) return true;
  if (candidate.versionNs !== current.versionNs) return candidate.versionNs > current.versionNs;
  const rankDifference = STATUS_RANK[candidate.status] - STATUS_RANK[current.status];
  return rankDifference !== 0 ? rankDifference > 0 : candidate.status > current.status;
}

export interface OrderIdentity {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly qty: Fixed;
}

export class OrderState {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: OrderSide;
  #qty: Fixed;
  #orderId: string | null = null;
  #terminal: StatusReport | null = null;
  #latest: StatusReport | null = null;
  #reportedFilledQty: Fixed = ZERO;
  #reportedAvgPrice: Fixed | null = null;
  readonly #executions = new Map<string, Fill>();
  #executedQty: Fixed = ZERO;
  /** Σ qty × price at scale 1e-18, exact. */
  #executedNotionalRaw = 0n;
  #bookedQty: Fixed = ZERO;
  #bookedNotionalRaw = 0n;
  #overfillRaised = false;
  #replacedBy: string | null = null;
  #replaces: string | null = null;

  constructor(identity: OrderIdentity) {
    this.clientOrderId = identity.clientOrderId;
    this.symbol = identity.symbol;
    this.side = identity.side;
    this.#qty = identity.qty;
  }

  static fromBroker(order: VenueOrder): OrderState {
    return new OrderState(order);
  }

  get orderId(): string | null {
    return this.#orderId;
  }

  /** Folds in an order object from REST or from a stream event (versionNs: the newer of its times). */
  observe(order: VenueOrder, versionNs: bigint = order.updatedAtNs): OrderEffects {
    this.#orderId ??= order.id;
    if (this.#qty === 0n && order.qty > 0n) this.#qty = order.qty;
    this.#replacedBy ??= order.replacedBy;
    this.#replaces ??= order.replaces;
    if (order.filledQty > this.#reportedFilledQty) {
      this.#reportedFilledQty = order.filledQty;
      this.#reportedAvgPrice = order.filledAvgPrice;
    }
    const report = { status: order.status, versionNs };
    if (isTerminalStatus(order.status)) {
      if (this.#terminal === null || STATUS_RANK[order.status] > STATUS_RANK[this.#terminal.status]) {
        this.#terminal = report;
      }
    } else if (isNewer(report, this.#latest)) {
      this.#latest = report;
    }
    return this.#overfillCheck(this.#reportedFilledQty);
  }

  /** Records one execution; books it unless its id was seen or the order was already fully booked. */
  recordExecution(execution: VenueExecution): OrderEffects {
    const existing = this.#executions.get(execution.executionId);
    if (existing !== undefined) {
      if (existing.qty === execution.qty && existing.price === execution.price) return NO_EFFECTS;
      return {
        bookings: [],
        alarms: [
          {
            kind: 'conflicting_execution',
            clientOrderId: this.clientOrderId,
            executionId: execution.executionId,
          },
        ],
      };
    }
    const fill = this.#fill(execution.executionId, execution.qty, execution.price, execution.timestampMs);
    this.#executions.set(execution.executionId, fill);
    this.#executedQty = (this.#executedQty + execution.qty) as Fixed;
    this.#executedNotionalRaw += execution.qty * execution.price;
    const bookable = this.#bookable(this.#executedQty) - this.#bookedQty;
    const alarms = this.#overfillCheck(this.#executedQty).alarms;
    if (bookable <= 0n) return alarms.length === 0 ? NO_EFFECTS : { bookings: [], alarms };
    const booking =
      bookable === execution.qty
        ? fill
        : this.#fill(execution.executionId, bookable as Fixed, execution.price, execution.timestampMs);
    this.#book(booking);
    return { bookings: [booking], alarms };
  }

  /**
   * Observes an authoritative REST snapshot after a gap (stream outage, restart) and books any
   * cumulative fill no execution has explained, at the price that makes the booked total match
   * the broker's average. Its id names the order and the cumulative quantity it brings us to.
   */
  reconcile(order: VenueOrder): OrderEffects {
    return this.#bookUnexplained(this.observe(order), order.updatedAtMs);
  }

  /**
   * A final report whose cumulative fill no execution explains (an event lost without a gap the
   * engine saw): the broker's figure is the truth, and the order will report nothing more, so the
   * difference is booked now. A late execution afterwards finds it booked and books nothing.
   */
  settleIfFinal(timestampMs: number): OrderEffects {
    return this.#terminal === null ? NO_EFFECTS : this.#bookUnexplained(NO_EFFECTS, timestampMs);
  }

  #bookUnexplained(observed: OrderEffects, timestampMs: number): OrderEffects {
    const target = this.#bookable(max(this.#reportedFilledQty, this.#executedQty));
    const gap = sub(target, this.#bookedQty);
    if (gap <= 0n || this.#reportedAvgPrice === null) return observed;
    const price = divRoundHalfEven(this.#reportedAvgPrice * target - this.#bookedNotionalRaw, gap) as Fixed;
    const booking = this.#fill(
      `reconciled:${this.#orderId ?? this.clientOrderId}:${formatFixed(target)}`,
      gap,
      price,
      timestampMs,
    );
    this.#book(booking);
    return { bookings: [booking], alarms: observed.alarms };
  }

  /** The broker refused the order when it was sent: it never existed there, and never will. */
  markRejected(): void {
    this.#terminal ??= { status: 'rejected', versionNs: 0n };
  }

  get filledQty(): Fixed {
    return max(this.#reportedFilledQty, this.#executedQty);
  }

  /** What is left to fill; a replacement order asks for this, never the original quantity. */
  get remainingQty(): Fixed {
    const remaining = sub(this.#qty, this.filledQty);
    return remaining > 0n ? remaining : ZERO;
  }

  get status(): OrderStatus | null {
    const reported = this.#terminal?.status ?? this.#latest?.status ?? null;
    if (reported === null || isTerminalStatus(reported)) return reported;
    const filled = this.filledQty;
    if (this.#qty > 0n && filled >= this.#qty) return 'filled';
    if (filled > 0n && WORKING.has(reported)) return 'partially_filled';
    return reported;
  }

  get isTerminal(): boolean {
    return this.#terminal !== null;
  }

  /**
   * Final, and every fill it reported is booked: what an exit waits for before sizing itself from
   * the position (a cancel refused because the order just filled leaves it final before the
   * executions arrive).
   */
  get isSettled(): boolean {
    return this.#terminal !== null && this.unbookedQty === ZERO;
  }

  /** What the broker reports filled that is not yet booked into the position book. */
  get unbookedQty(): Fixed {
    const unbooked = sub(this.#bookable(this.filledQty), this.#bookedQty);
    return unbooked > 0n ? unbooked : ZERO;
  }

  /** What of the order is booked into the position book. */
  get bookedQty(): Fixed {
    return this.#bookedQty;
  }

  view(): OrderView {
    const executions = [...this.#executions.values()].sort((a, b) =>
      a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0,
    );
    const filledQty = this.filledQty;
    return {
      clientOrderId: this.clientOrderId,
      orderId: this.#orderId,
      symbol: this.symbol,
      side: this.side,
      qty: this.#qty,
      status: this.status,
      filledQty,
      filledAvgPrice:
        this.#executedQty >= this.#reportedFilledQty && this.#executedQty > 0n
          ? (divRoundHalfEven(this.#executedNotionalRaw, this.#executedQty) as Fixed)
          : this.#reportedAvgPrice,
      executions,
      bookedQty: this.#bookedQty,
      replacedBy: this.#replacedBy,
      replaces: this.#replaces,
    };
  }

  #bookable(qty: Fixed): Fixed {
    return this.#qty > 0n && qty > this.#qty ? this.#qty : qty;
  }

  #book(fill: Fill): void {
    this.#bookedQty = (this.#bookedQty + fill.qty) as Fixed;
    this.#bookedNotionalRaw += fill.qty * fill.price;
  }

  #overfillCheck(filledQty: Fixed): OrderEffects {
    if (this.#overfillRaised || this.#qty === 0n || filledQty <= this.#qty) return NO_EFFECTS;
    this.#overfillRaised = true;
    return {
      bookings: [],
      alarms: [
        {
          kind: 'overfill',
          clientOrderId: this.clientOrderId,
          orderId: this.#orderId,
          orderQty: this.#qty,
          filledQty,
        },
      ],
    };
  }

  #fill(executionId: string, qty: Fixed, price: Fixed, timestampMs: number): Fill {
    return {
      executionId,
      orderId: this.#orderId ?? '',
      clientOrderId: this.clientOrderId,
      symbol: this.symbol,
      side: this.side,
      qty,
      price,
      timestampMs,
    };
  }
}
