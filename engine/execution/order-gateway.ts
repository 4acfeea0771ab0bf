/**
 * Every request to the venue, under the rules that keep retries from ever doubling an order:
 * - Each request spends the shared budget through the scheduler, cancels and exits first; a 429
 *   holds the whole bucket until the venue's reset instead of sleeping per request.
 * - Requests that may be repeated as they are (queries, cancels) are retried on network errors,
 *   5xx and 429.
 * - An order submission whose outcome is unknown (timeout, reset, 5xx) is never resent blindly:
 *   the order is looked up by client_order_id first, and only a confirmed absence allows a resend
 *   — which the venue's uniqueness rule on client_order_id would still refuse as a duplicate.
 * - A replacement (PATCH) is looked up by its new client_order_id before it is repeated.
 *
 * It knows nothing of intents, positions or order state: it answers what happened to a request.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../shared/time/clock.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import {
  isOutcomeUnknown,
  isSafeToResend,
  VenueInvalidResponseError,
  VenueRateLimitedError,
  VenueRejectedError,
} from '../../shared/venue/venue-errors.ts';
import type { OrderRequest, ReplaceRequest, VenueOrder } from '../../shared/venue/venue-types.ts';
import type { OrderMetrics } from './order-metrics.ts';
import type { RequestScheduler } from './request-scheduler.ts';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.ts';
import type { RequestPriority } from './token-bucket.ts';

/** What became of an order submission. */
export type PlaceOutcome =
  | {
      readonly kind: 'accepted';
      readonly order: VenueOrder;
      /** How we know: the venue's answer, or a lookup after an unknown outcome or a duplicate refusal. */
      readonly how: 'accepted' | 'found after an unknown outcome' | 'already placed';
    }
  /** The venue processed the request and refused it: no order exists. */
  | { readonly kind: 'rejected'; readonly error: VenueRejectedError }
  /** Nothing reached the venue (refused connection, 429 throughout, or the send guard): no order exists. */
  | { readonly kind: 'not_sent'; readonly message: string }
  /** Retries ran out without learning whether the order exists; the next reconciliation decides. */
  | { readonly kind: 'unknown'; readonly message: string };

export interface OrderGatewayOptions {
  readonly venue: TradingVenue;
  readonly scheduler: RequestScheduler;
  readonly logger: Logger;
  readonly retryPolicy: RetryPolicy;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /**
   * Asked at the moment each order is sent, replaced or cancelled (after any queueing): a reason
   * refuses the request. The engine's lease fencing check lives here, so a paused engine whose
   * lease lapsed sends nothing, and cancels nothing either: its orders are the new holder's now.
   */
  readonly sendGuard: () => string | null;
  /** Why new exposure may not leave now (risk's breaker and reconciliation), or null. */
  readonly newExposureHold?: () => string | null;
  /** Counts submissions and times the broker's answers. */
  readonly metrics: OrderMetrics;
  readonly clock: Clock;
}

/** Alpaca refuses a reused client_order_id with 422 and this code. */
const DUPLICATE_CLIENT_ORDER_ID_CODE = 40010001;

function isDuplicateClientOrderId(error: unknown): boolean {
  return (
    error instanceof VenueRejectedError &&
    error.status === 422 &&
    error.code === DUPLICATE_CLIENT_ORDER_ID_CODE &&
    /client_order_id/i.test(error.venueMessage)
  );
}

/** Refused after the venue processed it: neither a retry nor a lookup can change the answer. */
export function isFinalRefusal(error: unknown): error is VenueRejectedError {
  return error instanceof VenueRejectedError && !isOutcomeUnknown(error) && !isSafeToResend(error);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The venue answered (an order, or an error status or body): its time is the answer time. */
function isVenueAnswer(error: unknown): boolean {
  return error instanceof VenueRejectedError || error instanceof VenueInvalidResponseError;
}

/** The send guard refused: nothing reached the venue. */
class SendRefused extends Error {
  override readonly name = 'SendRefused';
}

export class OrderGateway {
  readonly #venue: TradingVenue;
  readonly #scheduler: RequestScheduler;
  readonly #log: Logger;
  readonly #retry: RetryPolicy;
  readonly #random: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #sendGuard: () => string | null;
  readonly #newExposureHold: () => string | null;
  readonly #metrics: OrderMetrics;
  readonly #clock: Clock;
  /** Submissions that found their order already at the venue instead of sending a second one. */
  duplicateSubmitsAvoided = 0;

  constructor(options: OrderGatewayOptions) {
    this.#venue = options.venue;
    this.#scheduler = options.scheduler;
    this.#log = options.logger;
    this.#retry = options.retryPolicy;
    this.#random = options.random;
    this.#sleep = options.sleep;
    this.#sendGuard = options.sendGuard;
    this.#newExposureHold = options.newExposureHold ?? (() => null);
    this.#metrics = options.metrics;
    this.#clock = options.clock;
  }

  /** Submits an order, retrying only what is safe and resolving unknown outcomes by lookup. */
  /** `addsExposure`: an entry, which the new-exposure hold may still stop as it leaves. */
  async place(request: OrderRequest, priority: RequestPriority, addsExposure = false): Promise<PlaceOutcome> {
    this.#metrics.sent++;
    let accepted = false;
    try {
      const outcome = await this.#place(request, priority, addsExposure);
      accepted = outcome.kind === 'accepted';
      return outcome;
    } finally {
      if (!accepted) this.#metrics.failed++;
    }
  }

  async #place(
    request: OrderRequest,
    priority: RequestPriority,
    addsExposure: boolean,
  ): Promise<PlaceOutcome> {
    const clientOrderId = request.clientOrderId;
    let lastError: unknown = null;
    let mayHaveReachedVenue = false;
    for (let attempt = 1; attempt <= this.#retry.maxAttempts; attempt++) {
      if (attempt > 1) await this.#backoff(attempt - 1, lastError);
      // After an unknown outcome the order may exist: only a confirmed absence allows a resend.
      if (lastError !== null && !isSafeToResend(lastError)) {
        const found = await this.lookup(clientOrderId, priority);
        if (found === 'failed') continue;
        if (found !== null) {
          this.duplicateSubmitsAvoided += 1;
          return { kind: 'accepted', order: found, how: 'found after an unknown outcome' };
        }
      }
      // Set once the request leaves, after any wait for the request budget.
      let sentUs = 0;
      try {
        const order = await this.#scheduler.run(priority, () => {
          this.#guard();
          if (addsExposure) {
            const held = this.#newExposureHold();
            if (held !== null) throw new SendRefused(held);
          }
          sentUs = this.#clock.nowUs();
          return this.#venue.submitOrder(request);
        });
        this.#metrics.recordLatencyUs(this.#clock.nowUs() - sentUs);
        return { kind: 'accepted', order, how: 'accepted' };
      } catch (error) {
        if (isVenueAnswer(error)) this.#metrics.recordLatencyUs(this.#clock.nowUs() - sentUs);
        if (error instanceof SendRefused) {
          // After an attempt that may have placed the order it stays open until a resync finds out.
          if (mayHaveReachedVenue) return { kind: 'unknown', message: error.message };
          return { kind: 'not_sent', message: error.message };
        }
        lastError = error;
        if (!isSafeToResend(error)) mayHaveReachedVenue = true;
        if (isDuplicateClientOrderId(error)) {
          // An earlier attempt did reach the venue: adopt that order.
          const found = await this.lookup(clientOrderId, priority);
          if (found !== null && found !== 'failed') {
            this.duplicateSubmitsAvoided += 1;
            return { kind: 'accepted', order: found, how: 'already placed' };
          }
          continue;
        }
        if (isFinalRefusal(error)) return { kind: 'rejected', error };
        this.#log.warn({ clientOrderId, attempt, err: error }, 'order submit failed, will retry');
      }
    }
    // Every attempt failed before the venue saw it (refused connection, 429): there is no order.
    if (!mayHaveReachedVenue) return { kind: 'not_sent', message: errorMessage(lastError) };
    return { kind: 'unknown', message: errorMessage(lastError) };
  }

  /** GET by client_order_id with retries: the order, null when the venue has none, or 'failed'. */
  async lookup(clientOrderId: string, priority: RequestPriority): Promise<VenueOrder | null | 'failed'> {
    try {
      return await this.#idempotent(priority, () => this.#venue.getOrderByClientOrderId(clientOrderId));
    } catch (error) {
      this.#log.warn({ clientOrderId, err: error }, 'order lookup failed');
      return 'failed';
    }
  }

  /** Requests a cancel; throws the venue's refusal (404, 422), the guard's, or the last failure. */
  cancel(orderId: string): Promise<void> {
    return this.#idempotent('cancel', () => {
      this.#guard();
      return this.#venue.cancelOrder(orderId);
    });
  }

  /** Replaces an order by one with `changes.clientOrderId`; after an unknown outcome, looks for it first. */
  replace(
    orderId: string,
    changes: ReplaceRequest & { readonly clientOrderId: string },
  ): Promise<VenueOrder> {
    let sent = false;
    return this.#idempotent('exit', async () => {
      if (sent) {
        const existing = await this.#venue.getOrderByClientOrderId(changes.clientOrderId);
        if (existing !== null) return existing;
      }
      this.#guard();
      sent = true;
      return this.#venue.replaceOrder(orderId, changes);
    });
  }

  /** A read of the venue (orders, positions, account), retried like any idempotent request. */
  query<T>(read: (venue: TradingVenue) => Promise<T>): Promise<T> {
    return this.#idempotent('query', () => read(this.#venue));
  }

  /** Throws the send guard's refusal, if any: nothing may change at the venue then. */
  #guard(): void {
    const refusal = this.#sendGuard();
    if (refusal !== null) throw new SendRefused(refusal);
  }

  /** Runs a request that may be repeated as it is, retrying network errors, 5xx and 429. */
  async #idempotent<T>(priority: RequestPriority, task: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#scheduler.run(priority, task);
      } catch (error) {
        const retryable = isSafeToResend(error) || isOutcomeUnknown(error);
        if (!retryable || attempt >= this.#retry.maxAttempts) throw error;
        await this.#backoff(attempt, error);
      }
    }
  }

  /** The pause before retry n: until the venue's reset after a 429, else a jittered backoff. */
  async #backoff(retry: number, error: unknown): Promise<void> {
    if (error instanceof VenueRateLimitedError) {
      // The bucket now holds every request until the reset; no extra sleep is needed.
      this.#scheduler.bucket.onRateLimited(error.resetAtMs);
      return;
    }
    await this.#sleep(backoffDelayMs(this.#retry, retry, this.#random));
  }

  /** A pause between whole reconciliation attempts (the same jittered backoff, capped). */
  pauseBeforeRetry(attempt: number): Promise<void> {
    return this.#sleep(backoffDelayMs(this.#retry, Math.min(attempt, 6), this.#random));
  }
}
