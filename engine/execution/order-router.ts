/**
 * Intent → gate → pre-trade risk → the exact order request, with a deterministic client_order_id;
 * then the request through the gateway and the venue's answer into the order reports. Also the
 * operator's and risk's cancel and replace of our orders.
 *
 * `prepare` is the synchronous half, pure of I/O: what `exec.intent_to_request` measures. New
 * entries wait while reconciliation says the order-event stream is down or its gap is not closed;
 * exits and cancels still go.
 */
import type { Logger } from 'pino';
import { type Fixed, formatFixed } from '../../shared/domain/fixed.ts';
import type { OrderIntent, OrderStatus } from '../../shared/domain/order.ts';
import type { Refusal } from '../../shared/domain/outcome.ts';
import { VenueRejectedError } from '../../shared/venue/venue-errors.ts';
import type { OrderRequest, VenueOrder } from '../../shared/venue/venue-types.ts';
import { protectiveStopPrice } from '../risk/protective-stop.ts';
import type { RiskDecision, RiskDenial } from '../risk/risk-decision.ts';
import { clientOrderIdFor, replacementClientOrderId } from './client-order-id.ts';
import { errorMessage, isFinalRefusal, type OrderGateway } from './order-gateway.ts';
import type { OrderReports } from './order-reports.ts';
import type { OrderTracker } from './order-tracker.ts';
import type { Reconciliation } from './reconciliation.ts';
import type { RequestPriority } from './token-bucket.ts';

/** What the router asks of pre-trade risk before an order exists; engine/risk's RiskManager answers. */
export interface PreTradeCheck {
  check(intent: OrderIntent): RiskDecision;
  /** Why new exposure may not leave now, or null: asked again as an approved entry is sent. */
  newExposureHold(): string | null;
}

export interface OrderRouterOptions {
  readonly risk: PreTradeCheck;
  readonly gateway: OrderGateway;
  readonly reports: OrderReports;
  readonly tracker: OrderTracker;
  readonly reconciliation: Reconciliation;
  readonly logger: Logger;
  /**
   * Stops held at the broker (risk's `stops.mode = "broker"`): each US-equity entry goes as an OTO
   * with a stop-loss leg this far from its price (a bracket when the intent has a take-profit).
   */
  readonly brokerStopLossPct?: Fixed;
}

/** An intent that passed the gate and risk, with the exact request to send. */
export interface PreparedOrder {
  readonly ok: true;
  readonly intent: OrderIntent;
  readonly request: OrderRequest;
  readonly priority: RequestPriority;
}

/**
 * Every refusal is a Refusal (code and message for the operator); `reason` says which kind, and
 * `code` is the most specific name for it (a risk denial's rule code, or the kind itself).
 */
export type RouteRefusal =
  | (RiskDenialRefusal & { readonly reason: 'risk_denied' })
  | (Refusal<'trading_paused'> & { readonly reason: 'trading_paused' })
  | (Refusal<'duplicate_intent'> & { readonly reason: 'duplicate_intent'; readonly clientOrderId: string });

type RiskDenialRefusal = Refusal & { readonly denial: RiskDenial };

export type SubmitResult =
  | { readonly ok: true; readonly clientOrderId: string; readonly order: VenueOrder }
  | RouteRefusal
  | (Refusal<'broker_rejected'> & {
      readonly reason: 'broker_rejected';
      readonly clientOrderId: string;
      readonly status: number;
      /** Alpaca's numeric code, when its body had one. */
      readonly brokerCode: number | null;
    })
  /** Every attempt failed before reaching the broker: no order exists. */
  | (Refusal<'not_sent'> & { readonly reason: 'not_sent'; readonly clientOrderId: string })
  /** Retries ran out without learning whether the order exists; the next resync decides. */
  | (Refusal<'outcome_unknown'> & { readonly reason: 'outcome_unknown'; readonly clientOrderId: string });

type CancelRefusalKind = 'unknown_order' | 'already_final' | 'failed';

export type CancelResult =
  | { readonly ok: true; readonly clientOrderId: string }
  | (Refusal<CancelRefusalKind> & { readonly reason: CancelRefusalKind });

type ReplaceRefusalKind = 'unknown_order' | 'nothing_to_replace' | 'broker_rejected' | 'failed';

export type ReplaceResult =
  | { readonly ok: true; readonly clientOrderId: string; readonly order: VenueOrder }
  | (Refusal<ReplaceRefusalKind> & { readonly reason: ReplaceRefusalKind });

type Mutable<T> = { -readonly [Key in keyof T]: T[Key] };

/** A refusal whose kind is also its code. */
function refused<Kind extends string>(
  kind: Kind,
  message: string,
): Refusal<Kind> & { readonly reason: Kind } {
  return { ok: false, reason: kind, code: kind, message };
}

export interface ReplaceChanges {
  readonly limitPrice?: Fixed;
  readonly stopPrice?: Fixed;
  /** The total quantity wanted; the replacement asks for this minus what already filled. */
  readonly totalQty?: Fixed;
}

export class OrderRouter {
  readonly #risk: PreTradeCheck;
  readonly #gateway: OrderGateway;
  readonly #reports: OrderReports;
  readonly #tracker: OrderTracker;
  readonly #reconciliation: Reconciliation;
  readonly #log: Logger;
  readonly #brokerStopLossPct: Fixed | undefined;
  readonly #replacements = new Map<string, number>();
  /** Orders whose submission ended without learning whether the venue has them. */
  readonly #outcomeUnknown = new Set<string>();

  constructor(options: OrderRouterOptions) {
    this.#risk = options.risk;
    this.#gateway = options.gateway;
    this.#reports = options.reports;
    this.#tracker = options.tracker;
    this.#reconciliation = options.reconciliation;
    this.#log = options.logger;
    this.#brokerStopLossPct = options.brokerStopLossPct;
  }

  /** New entries are allowed: the stream is up and the gap since it last went down is closed. */
  get entriesAllowed(): boolean {
    return this.#reconciliation.entriesAllowed;
  }

  /** Submissions that found their order already at the venue instead of placing a second one. */
  get duplicateSubmitsAvoided(): number {
    return this.#gateway.duplicateSubmitsAvoided;
  }

  /**
   * The synchronous half of routing: the gate, risk, and the request. Pure of I/O, so it is
   * what `exec.intent_to_request` measures.
   */
  prepare(intent: OrderIntent): PreparedOrder | RouteRefusal {
    const entry = intent.purpose === 'entry';
    if (entry && !this.#reconciliation.entriesAllowed) {
      return refused('trading_paused', `no new entries: ${this.#reconciliation.pauseReason}`);
    }
    const clientOrderId = clientOrderIdFor(intent.strategyId, intent.intentId);
    if (this.#tracker.knows(clientOrderId)) {
      return {
        ...refused('duplicate_intent', `an order for intent ${intent.intentId} was already sent`),
        clientOrderId,
      };
    }
    const decision = this.#risk.check(intent);
    if (!decision.ok)
      return {
        ok: false,
        reason: 'risk_denied',
        code: decision.code,
        message: decision.message,
        denial: decision,
      };
    // A market order goes as a marketable limit at risk's protective bound when it gives one.
    const protective = intent.type === 'market' ? decision.protectiveLimitPrice : null;
    // Filled field by field, not spread: this runs for every order, and spreads allocate.
    const request: Mutable<OrderRequest> = {
      symbol: intent.symbol,
      qty: intent.qty,
      side: intent.side,
      type: protective === null ? intent.type : 'limit',
      timeInForce: intent.timeInForce,
      clientOrderId,
    };
    const limitPrice = protective ?? intent.limitPrice;
    if (limitPrice !== undefined) request.limitPrice = limitPrice;
    if (intent.stopPrice !== undefined) request.stopPrice = intent.stopPrice;
    if (intent.trailPrice !== undefined) request.trailPrice = intent.trailPrice;
    if (intent.trailPercent !== undefined) request.trailPercent = intent.trailPercent;
    if (intent.extendedHours !== undefined) request.extendedHours = intent.extendedHours;
    const protectedRequest =
      entry && this.#brokerStopLossPct !== undefined ? this.#withStopLeg(request, intent) : request;
    return { ok: true, intent, request: protectedRequest, priority: entry ? 'entry' : 'exit' };
  }

  /**
   * The entry with its protective legs. Alpaca takes order classes for US equities only, with a
   * day or gtc time in force; other entries go simple and rely on the engine's own stops.
   */
  #withStopLeg(request: OrderRequest, intent: OrderIntent): OrderRequest {
    if (intent.assetClass !== 'us_equity' || (request.timeInForce !== 'day' && request.timeInForce !== 'gtc'))
      return request;
    const stopPrice = protectiveStopPrice(
      request.side,
      request.limitPrice ?? intent.referencePrice,
      this.#brokerStopLossPct!,
    );
    if (stopPrice === null) return request;
    return intent.takeProfitPrice === undefined
      ? { ...request, orderClass: 'oto', stopLoss: { stopPrice } }
      : {
          ...request,
          orderClass: 'bracket',
          stopLoss: { stopPrice },
          takeProfit: { limitPrice: intent.takeProfitPrice },
        };
  }

  async submit(intent: OrderIntent): Promise<SubmitResult> {
    const prepared = this.prepare(intent);
    if (!prepared.ok) {
      if (prepared.reason === 'duplicate_intent') this.#gateway.duplicateSubmitsAvoided += 1;
      return prepared;
    }
    return this.send(prepared);
  }

  /** Sends a prepared order; the gateway decides retries and resolves unknown outcomes by lookup. */
  async send(prepared: PreparedOrder): Promise<SubmitResult> {
    const { intent, request, priority } = prepared;
    const clientOrderId = request.clientOrderId;
    this.#reports.sending(request, intent);
    const outcome = await this.#gateway.place(request, priority, intent.purpose === 'entry');
    switch (outcome.kind) {
      case 'accepted': {
        const { order } = outcome;
        this.#reports.answered(order);
        this.#log.info(
          {
            clientOrderId,
            orderId: order.id,
            strategyId: intent.strategyId,
            purpose: intent.purpose,
            symbol: order.symbol,
            side: order.side,
            qty: formatFixed(order.qty),
          },
          `order ${outcome.how}`,
        );
        return { ok: true, clientOrderId, order };
      }
      case 'rejected': {
        const { error } = outcome;
        this.#reports.rejected(clientOrderId);
        this.#log.warn(
          { clientOrderId, status: error.status, code: error.code },
          `order rejected: ${error.venueMessage}`,
        );
        return {
          ...refused('broker_rejected', error.venueMessage),
          clientOrderId,
          status: error.status,
          brokerCode: error.code,
        };
      }
      case 'not_sent':
        this.#reports.rejected(clientOrderId);
        this.#log.error({ clientOrderId, reason: outcome.message }, 'order not sent');
        return { ...refused('not_sent', outcome.message), clientOrderId };
      case 'unknown':
        // It stays open until a lookup finds out whether the venue has it.
        this.#outcomeUnknown.add(clientOrderId);
        this.#log.error({ clientOrderId, reason: outcome.message }, 'order outcome unknown after retries');
        return { ...refused('outcome_unknown', outcome.message), clientOrderId };
    }
  }

  /** Requests a cancel; an order already final is reported as such, not as a failure to retry. */
  async cancel(clientOrderId: string): Promise<CancelResult> {
    const state = this.#tracker.get(clientOrderId);
    if (state === undefined) return refused('unknown_order', `no order ${clientOrderId}`);
    let orderId = state.orderId;
    if (orderId === null) {
      const found = await this.#gateway.lookup(clientOrderId, 'cancel');
      if (found === null && this.#neverPlaced(clientOrderId))
        return refused('already_final', 'the broker never received this order');
      if (found === null || found === 'failed') {
        return refused('unknown_order', 'the broker has not reported this order yet');
      }
      this.#outcomeUnknown.delete(clientOrderId);
      this.#reports.answered(found);
      orderId = found.id;
    }
    if (state.isTerminal) return refused('already_final', `order is ${state.status}`);
    try {
      await this.#gateway.cancel(orderId);
      return { ok: true, clientOrderId };
    } catch (error) {
      if (error instanceof VenueRejectedError && (error.status === 404 || error.status === 422)) {
        // Refused because it is final (filled just before the cancel, say), or because an earlier
        // attempt's cancel is already pending. The order is looked up and taken as a snapshot, so
        // a fill the stream has not delivered yet is booked now, not when it finally arrives.
        const found = await this.#gateway.lookup(clientOrderId, 'cancel');
        if (found !== null && found !== 'failed') {
          this.#reports.reconciled(found);
          if (found.status === 'pending_cancel' || found.status === 'canceled')
            return { ok: true, clientOrderId };
        }
        return refused('already_final', error.venueMessage);
      }
      return refused('failed', errorMessage(error));
    }
  }

  /**
   * Reads one order from the venue by client_order_id and folds it in as an authoritative
   * snapshot (a fill the stream has not delivered yet is booked now, once). Null when the venue
   * has no such order, 'failed' when it could not be asked.
   */
  async refreshOrder(clientOrderId: string): Promise<OrderStatus | null | 'failed'> {
    const found = await this.#gateway.lookup(clientOrderId, 'cancel');
    if (found === null) this.#neverPlaced(clientOrderId);
    if (found === null || found === 'failed') return found;
    this.#outcomeUnknown.delete(clientOrderId);
    this.#reports.reconciled(found);
    return found.status;
  }

  /**
   * The venue has no order under this id. For an order whose submission ended unknown (every
   * attempt failed, the last without an answer), that settles it: it was never placed, and it is
   * final here, or it would count as working forever — holding its exposure, and, being an exit,
   * making every other exit in its symbol look like an oversell (simtest seed 15).
   */
  #neverPlaced(clientOrderId: string): boolean {
    if (!this.#outcomeUnknown.delete(clientOrderId)) return false;
    this.#log.warn({ clientOrderId }, 'order never reached the broker; taken as rejected');
    this.#reports.rejected(clientOrderId);
    return true;
  }

  /** Cancels every open order we track (the venue's own cancel-all would take manual orders too). */
  async cancelAllOpen(): Promise<CancelResult[]> {
    return Promise.all(this.#tracker.openOrders().map((state) => this.cancel(state.clientOrderId)));
  }

  /**
   * Replaces a working order. The replacement asks for what is still unfilled, never the original
   * quantity, and gets its own deterministic client_order_id. A replace that keeps the total sends
   * no quantity: the venue then keeps what is left of the order when it acts, where a remainder
   * counted here misses the fills that land before the request reaches it (a request waits for
   * the request budget, a fill does not), and the replacement would buy them again (simtest seed
   * 273: 12 asked, 18 filled).
   */
  async replace(clientOrderId: string, changes: ReplaceChanges): Promise<ReplaceResult> {
    const state = this.#tracker.get(clientOrderId);
    const intent = this.#reports.intentOf(clientOrderId);
    if (state === undefined || state.orderId === null || intent === undefined) {
      return refused('unknown_order', `no acknowledged order ${clientOrderId}`);
    }
    const remaining = (changes.totalQty ?? state.view().qty) - state.filledQty;
    if (state.isTerminal || remaining <= 0n) {
      return refused('nothing_to_replace', `filled ${formatFixed(state.filledQty)}`);
    }
    const count = (this.#replacements.get(clientOrderId) ?? 0) + 1;
    this.#replacements.set(clientOrderId, count);
    const newClientOrderId = replacementClientOrderId(clientOrderId, count);
    const qty = remaining as Fixed;
    const prices = {
      ...(changes.limitPrice === undefined ? {} : { limitPrice: changes.limitPrice }),
      ...(changes.stopPrice === undefined ? {} : { stopPrice: changes.stopPrice }),
    };
    this.#reports.replacing(clientOrderId, newClientOrderId, { ...intent, qty, ...prices });
    try {
      const order = await this.#gateway.replace(state.orderId, {
        ...(changes.totalQty === undefined ? {} : { qty }),
        clientOrderId: newClientOrderId,
        ...prices,
      });
      this.#reports.replaced(clientOrderId, order);
      return { ok: true, clientOrderId: newClientOrderId, order };
    } catch (error) {
      if (isFinalRefusal(error)) {
        this.#reports.rejected(newClientOrderId);
        return refused('broker_rejected', error.venueMessage);
      }
      // Whether the venue made the replacement is unknown: a lookup that finds no order under its
      // id settles it as never placed, or it would count as working for good (a stop's cancel of
      // it retried to the end of the day: simtest seeds 5360, 6167).
      this.#outcomeUnknown.add(newClientOrderId);
      return refused('failed', errorMessage(error));
    }
  }

  /**
   * Drops orders that finished more than `ageMs` ago, so a long session's memory stays bounded;
   * the engine calls it periodically.
   */
  forgetFinished(ageMs: number, onForgotten?: (clientOrderId: string) => void): number {
    return this.#reports.forgetFinished(ageMs, (clientOrderId) => {
      this.#replacements.delete(clientOrderId);
      this.#outcomeUnknown.delete(clientOrderId);
      onForgotten?.(clientOrderId);
    });
  }
}
