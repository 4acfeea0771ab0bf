/**
 * Waiting for the broker to finish with an order: a cancel requested (again, if needed) until the
 * order is final with all its fills booked — not merely pending_cancel — asking the broker by REST
 * when the stream says nothing. One instance serves everything that waits (the risk-action
 * executor, broker-held protection); it wakes on every order report and fill on the execution
 * events, so waits end as soon as the answer is in.
 */

import type { Logger } from 'pino';
import { systemTimers, type Timers } from '../../shared/time/timers.ts';
import type { ExecutionEvents } from './execution-events.ts';
import type { OrderRouter } from './order-router.ts';
import type { OrderTracker } from './order-tracker.ts';

export interface OrderSettlementOptions {
  readonly events: ExecutionEvents;
  readonly router: Pick<OrderRouter, 'cancel' | 'refreshOrder'>;
  readonly tracker: Pick<OrderTracker, 'get'>;
  readonly logger: Logger;
  /** How long to wait for a report before asking the broker (default 2 s); doubles up to 8× per round. */
  readonly confirmAfterMs?: number;
  /** Whose clock a wait times out on: the wall clock's (default), or a backtest's virtual one. */
  readonly timers?: Timers;
}

const DEFAULT_CONFIRM_AFTER_MS = 2_000;

export class OrderSettlement {
  readonly #options: OrderSettlementOptions;
  readonly #waiters = new Set<() => void>();
  readonly #timers: Timers;
  #stopped = false;

  constructor(options: OrderSettlementOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    options.events.subscribe((event) => {
      if (event.type === 'order_reported' || event.type === 'fill_booked') this.notify();
    });
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Ends every wait at once (each resolves with the state as it is). */
  stop(): void {
    this.#stopped = true;
    this.notify();
  }

  /**
   * Requests the cancel until the order is final with its fills booked, or until stopped; each
   * cancel request's outcome ('requested' or the refusal's code) goes to `onCancel`.
   */
  async cancelAndConfirm(clientOrderId: string, onCancel: (outcome: string) => void): Promise<void> {
    const { router, tracker, logger } = this.#options;
    const confirmAfterMs = this.#options.confirmAfterMs ?? DEFAULT_CONFIRM_AFTER_MS;
    for (let round = 0; !this.#stopped; round++) {
      const state = tracker.get(clientOrderId);
      if (state === undefined || state.isSettled) return;
      if (!state.isTerminal && state.status !== 'pending_cancel') {
        const result = await router.cancel(clientOrderId);
        onCancel(result.ok ? 'requested' : result.code);
      }
      if (await this.waitSettled(clientOrderId, confirmAfterMs * 2 ** Math.min(round, 3))) return;
      // No word from the stream: ask the broker, which also books a fill the stream has not
      // delivered (the cancel refused with 422 because the order had just filled).
      await router.refreshOrder(clientOrderId);
      if (round >= 2) logger.warn({ clientOrderId, status: state.status, round }, 'cancel not yet confirmed');
    }
  }

  /** Resolves true once the order is final with its fills booked, false after `timeoutMs`. */
  waitSettled(clientOrderId: string, timeoutMs: number): Promise<boolean> {
    const settled = (): boolean => this.#options.tracker.get(clientOrderId)?.isSettled !== false;
    return this.waitFor(settled, timeoutMs);
  }

  /** Resolves with the condition once it holds, at a report, or at the timeout. */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    if (condition()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!condition() && !this.#stopped) return;
        this.#waiters.delete(check);
        this.#timers.clearTimeout(timer);
        resolve(condition());
      };
      const timer = this.#timers.setTimeout(() => {
        this.#waiters.delete(check);
        resolve(condition());
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** Sleeps, ending early when stopped. */
  async pause(ms: number): Promise<void> {
    await this.waitFor(() => this.#stopped, ms);
  }
}
