/**
 * Everything the venue says about an order — request answers, order events, reconciliation
 * snapshots — folded into the order tracker, with what follows published on the execution
 * events: each new execution booked once into the position book, each status change once, alarms.
 * The intent behind each of our orders is kept here too: persistence records it with the order,
 * and its reference price measures slippage.
 */
import type { Logger } from 'pino';
import { type Fixed, formatFixed, sub, ZERO } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderStatus } from '../../shared/domain/order.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { OrderRequest, VenueOrder, VenueOrderEvent } from '../../shared/venue/venue-types.ts';
import type { Portfolio } from '../portfolio/portfolio.ts';
import type { ExecutionEvents } from './execution-events.ts';
import type { OrderEffects, OrderIdentity } from './order-state.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { SlippageRecorder } from './slippage.ts';

/** How long a finished order stays tracked before forgetFinished may drop it (engine housekeeping). */
export const FINISHED_ORDER_RETENTION_MS = 60 * 60_000;

export interface OrderReportsOptions {
  readonly tracker: OrderTracker;
  readonly positions: Portfolio;
  readonly slippage: SlippageRecorder;
  readonly events: ExecutionEvents;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class OrderReports {
  readonly #tracker: OrderTracker;
  readonly #positions: Portfolio;
  readonly #slippage: SlippageRecorder;
  readonly #events: ExecutionEvents;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #intents = new Map<string, OrderIntent>();
  readonly #reportedStatus = new Map<string, OrderStatus>();
  /** When each of our orders reached a final status (clock ms), for forgetFinished. */
  readonly #finishedAtMs = new Map<string, number>();
  /** Replacements requested and not yet announced: the old order's client_order_id → the new one's. */
  readonly #replacements = new Map<string, string>();

  constructor(options: OrderReportsOptions) {
    this.#tracker = options.tracker;
    this.#positions = options.positions;
    this.#slippage = options.slippage;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#log = options.logger;
  }

  intentOf(clientOrderId: string): OrderIntent | undefined {
    return this.#intents.get(clientOrderId);
  }

  /** An order about to be sent: tracked first, so an answer racing the request finds it. */
  sending(request: OrderRequest, intent: OrderIntent): void {
    this.#track(request, intent);
    this.#events.publish({ type: 'order_sending', request, intent });
  }

  /**
   * A replacement about to be requested; it counts as working only once the venue has it: its
   * answer (`replaced`), or the old order's `replaced` event when that comes first, as it does
   * when the answer is slow — until then the old order's end would release its remainder with
   * nothing counting the replacement (simtest seed 103: an entry over max_total_exposure_usd).
   */
  replacing(oldClientOrderId: string, newClientOrderId: string, replacement: OrderIntent): void {
    this.#track({ ...replacement, clientOrderId: newClientOrderId }, replacement);
    this.#replacements.set(oldClientOrderId, newClientOrderId);
  }

  replaced(oldClientOrderId: string, order: VenueOrder): void {
    this.#announceReplacement(oldClientOrderId);
    this.answered(order);
  }

  /** An order object from a request's answer (submit, lookup, replace). */
  answered(order: VenueOrder): void {
    this.#publishOrder(order);
    this.#apply(this.#tracker.onOrder(order));
    this.#reportStatus(order.clientOrderId);
  }

  /** An order event from the venue's stream. */
  onOrderEvent(event: VenueOrderEvent): void {
    if (event.order.status === 'replaced') this.#announceReplacement(event.order.clientOrderId);
    this.#publishOrder(event.order);
    this.#apply(this.#tracker.onOrderEvent(event));
    this.#reportStatus(event.order.clientOrderId);
  }

  /** A snapshot read to close a gap: a cumulative fill no execution explained is booked now, once. */
  reconciled(order: VenueOrder): void {
    if (order.status === 'replaced') this.#announceReplacement(order.clientOrderId);
    this.#publishOrder(order);
    this.#apply(this.#tracker.reconcile(order));
    this.#reportStatus(order.clientOrderId);
  }

  /** The venue refused the order, or it was never sent: final without any report. */
  rejected(clientOrderId: string): void {
    this.#tracker.markRejected(clientOrderId);
    this.#reportStatus(clientOrderId);
  }

  /**
   * Drops orders that finished more than `ageMs` ago, so a long session's memory stays bounded.
   * Their ids are remembered by the tracker, so a late report cannot book a fill twice.
   */
  forgetFinished(ageMs: number, onForgotten?: (clientOrderId: string) => void): number {
    const cutoff = this.#clock.nowMs() - ageMs;
    let forgotten = 0;
    for (const [clientOrderId, finishedAtMs] of this.#finishedAtMs) {
      if (finishedAtMs > cutoff || !this.#tracker.forget(clientOrderId)) continue;
      this.#finishedAtMs.delete(clientOrderId);
      this.#intents.delete(clientOrderId);
      this.#reportedStatus.delete(clientOrderId);
      onForgotten?.(clientOrderId);
      forgotten += 1;
    }
    return forgotten;
  }

  #announceReplacement(oldClientOrderId: string): void {
    const newClientOrderId = this.#replacements.get(oldClientOrderId);
    if (newClientOrderId === undefined) return;
    this.#replacements.delete(oldClientOrderId);
    const replacement = this.#intents.get(newClientOrderId);
    if (replacement === undefined) return;
    // The replacement may have filled, and even ended, before either the replace's answer or the
    // old order's `replaced` event came (both late): what it booked already is no longer working,
    // and an end reported before it was announced is reported again, or risk would count it as
    // working for good (simtest seed 526: a stop's exit refused as a self-match against it).
    const state = this.#tracker.get(newClientOrderId);
    const booked = state?.bookedQty ?? ZERO;
    this.#events.publish({
      type: 'order_replaced',
      oldClientOrderId,
      newClientOrderId,
      replacement: booked > 0n ? { ...replacement, qty: sub(replacement.qty, booked) } : replacement,
    });
    if (state?.isTerminal === true) {
      this.#reportedStatus.delete(newClientOrderId);
      this.#reportStatus(newClientOrderId);
    }
  }

  #track(order: OrderIdentity, intent: OrderIntent): void {
    const { clientOrderId, symbol, side, qty } = order;
    this.#tracker.register({ clientOrderId, symbol, side, qty });
    this.#intents.set(clientOrderId, intent);
  }

  #publishOrder(order: VenueOrder): void {
    this.#events.publish({ type: 'order_reported', order, intent: this.#intents.get(order.clientOrderId) });
  }

  #apply(effects: OrderEffects): void {
    for (const fill of effects.bookings) {
      const realized: Fixed = this.#positions.applyFill(fill);
      const intent = this.#intents.get(fill.clientOrderId);
      const slippage = intent === undefined ? null : this.#slippage.record(fill, intent.referencePrice).bps;
      this.#events.publish({ type: 'fill_booked', fill, realized });
      this.#log.info(
        {
          clientOrderId: fill.clientOrderId,
          executionId: fill.executionId,
          strategyId: intent?.strategyId,
          symbol: fill.symbol,
          side: fill.side,
          qty: formatFixed(fill.qty),
          price: formatFixed(fill.price),
          realizedPnl: formatFixed(realized),
          position: formatFixed(this.#positions.position(fill.symbol).qty),
          slippageBps: slippage,
        },
        'fill',
      );
    }
    for (const alarm of effects.alarms) {
      this.#log.error({ alarm }, `order alarm: ${alarm.kind}`);
      this.#events.publish({ type: 'order_alarm', alarm });
    }
  }

  #reportStatus(clientOrderId: string): void {
    const state = this.#tracker.get(clientOrderId);
    const status = state?.status ?? null;
    if (state === undefined || status === null || this.#reportedStatus.get(clientOrderId) === status) return;
    this.#reportedStatus.set(clientOrderId, status);
    if (state.isTerminal && !this.#finishedAtMs.has(clientOrderId)) {
      this.#finishedAtMs.set(clientOrderId, this.#clock.nowMs());
    }
    this.#events.publish({ type: 'order_status', clientOrderId, status, unbookedQty: state.unbookedQty });
  }
}
