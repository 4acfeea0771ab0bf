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
 * REST snapshot is booked by `reconcile` — the gap-closing step after a stream outage or a
 * restart — and the executions that explain it later are recorded but not booked again. Which
 * executions explain it is told by where each lies in the order's cumulative fill (the order's
 * filled quantity right after it), not by how many were seen: a restarted engine never sees its
 * predecessor's, and an execution beyond the reconciled quantity is new however few came before.
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

/** One execution, and where it lies in the order's cumulative fill: it ends at `throughQty`. */
interface PlacedExecution {
  readonly fill: Fill;
  readonly throughQty: Fixed;
}

/** The part of an execution ending at `throughQty` that lies beyond the cumulative quantity `fromQty`. */
function partBeyond(execution: PlacedExecution, fromQty: Fixed): Fixed {
  const part = sub(execution.throughQty, max(fromQty, sub(execution.throughQty, execution.fill.qty)));
  return part > 0n ? part : ZERO;
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
  readonly #executions = new Map<string, PlacedExecution>();
  #executedQty: Fixed = ZERO;
  /** Σ qty × price at scale 1e-18, exact. */
  #executedNotionalRaw = 0n;
  /**
   * The cumulative quantity booked from the broker's figures rather than from executions
   * (`#bookUnexplained`): every execution within it is accounted for, whether seen or not.
   */
  #reconciledQty: Fixed = ZERO;
  /** The executions' parts beyond #reconciledQty: with it, what the executions seen add up to. */
  #executedBeyondQty: Fixed = ZERO;
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

  /**
   * Records one execution, `filledQtyAfter` the order's cumulative filled quantity right after it;
   * books what of it lies beyond what is booked already, unless its id was seen.
   */
  recordExecution(execution: VenueExecution, filledQtyAfter: Fixed): OrderEffects {
    const existing = this.#executions.get(execution.executionId)?.fill;
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
    // A report whose cumulative does not even cover the execution places it at the start.
    const placed = { fill, throughQty: max(filledQtyAfter, execution.qty) };
    this.#executions.set(execution.executionId, placed);
    this.#executedQty = (this.#executedQty + execution.qty) as Fixed;
    this.#executedNotionalRaw += execution.qty * execution.price;
    this.#executedBeyondQty = (this.#executedBeyondQty + partBeyond(placed, this.#reconciledQty)) as Fixed;
    const bookable = this.#bookable(this.#accountedQty) - this.#bookedQty;
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

  /**
   * Books the broker's cumulative fill as far as no execution seen accounts for it: the order's
   * fills up to the reported quantity, plus the executions seen beyond it, at the price that makes
   * the booked notional the broker's average over the former plus the latter's own.
   */
  #bookUnexplained(observed: OrderEffects, timestampMs: number): OrderEffects {
    const reportedQty = this.#reportedFilledQty;
    if (reportedQty <= this.#reconciledQty) return observed;
    let beyondQty = ZERO;
    let beyondNotionalRaw = 0n;
    for (const placed of this.#executions.values()) {
      const part = partBeyond(placed, reportedQty);
      beyondQty = (beyondQty + part) as Fixed;
      beyondNotionalRaw += part * placed.fill.price;
    }
    const accounted = (reportedQty + beyondQty) as Fixed;
    const target = this.#bookable(accounted);
    const gap = sub(target, this.#bookedQty);
    const averagePrice = this.#reportedAvgPrice;
    // Without the broker's average there is no price to book at: wait for a report that has one.
    if (gap > 0n && averagePrice === null) return observed;
    this.#reconciledQty = reportedQty;
    this.#executedBeyondQty = beyondQty;
    if (gap <= 0n || averagePrice === null) return observed;
    const notionalRaw = averagePrice * reportedQty + beyondNotionalRaw;
    const price = divRoundHalfEven(
      notionalRaw - this.#bookedNotionalRaw,
      accounted - this.#bookedQty,
    ) as Fixed;
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
    const executions = [...this.#executions.values()]
      .map(({ fill }) => fill)
      .sort((a, b) => (a.executionId < b.executionId ? -1 : a.executionId > b.executionId ? 1 : 0));
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

  /** What the broker's reconciled figure and the executions seen beyond it add up to. */
  get #accountedQty(): Fixed {
    return (this.#reconciledQty + this.#executedBeyondQty) as Fixed;
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
