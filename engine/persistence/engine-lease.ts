/**
 * One engine per account: the engine holds a lease item (engine/persistence is its only writer)
 * and checks `canSend(token)` before every order it sends.
 *
 * Safety argument: the stored lease expires `ttlMs` after the clock reading taken *before* the
 * acquire/renew request was sent, and this engine stops sending `safetyMarginMs` before that, so
 * by the time any contender (whose clock agrees to within the margin) may take over, this engine
 * has already stopped — even when it is paused and never learns it lost the lease. Every takeover
 * increments the fencing token, so orders stamped with an old token are recognisable afterwards.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { describeLease, type LeaseStore } from '../../shared/store/lease-store.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { backgroundTimers, type Timers } from '../../shared/time/timers.ts';

export const LEASE_STATES = ['idle', 'held', 'lost', 'released'] as const;
export type LeaseState = (typeof LEASE_STATES)[number];

export type LeaseLossReason =
  | 'renewal_overdue'
  | 'taken_over'
  | 'released_elsewhere'
  | 'deleted'
  | 'unreadable';

export interface LeaseLoss {
  readonly reason: LeaseLossReason;
  readonly fencingToken: number;
  readonly message: string;
}

export type LeaseStart =
  | { readonly ok: true; readonly fencingToken: number }
  | { readonly ok: false; readonly reason: 'held' | 'contended' | 'unreadable'; readonly message: string };

export interface EngineLeaseOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Unique per process: a restarted engine is a new holder. Defaults to host/pid/random. */
  readonly holderId?: string;
  /** Lease lifetime after each renewal; default 15 s. */
  readonly ttlMs?: number;
  /** Default ttl / 3, so two renewals can fail before the lease is at risk. */
  readonly renewEveryMs?: number;
  /** Stop sending this long before the stored expiry; default 2 s, covering clock differences. */
  readonly safetyMarginMs?: number;
  /** Called once, at once, when the lease is lost: stop sending anything to the broker. */
  readonly onLost: (loss: LeaseLoss) => void;
  /** Renewal and deadline timers: the wall clock's (unref'd) unless given; simtest passes virtual ones. */
  readonly timers?: Timers;
}

export function newHolderId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

export class EngineLease {
  readonly holderId: string;
  /** Lease lifetime after each renewal. */
  readonly ttlMs: number;
  readonly #store: LeaseStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #renewEveryMs: number;
  readonly #safetyMarginMs: number;
  readonly #onLost: (loss: LeaseLoss) => void;
  readonly #timers: Timers;

  #state: LeaseState = 'idle';
  #token = 0;
  #sendDeadlineMs = 0;
  #renewTimer: unknown;
  #deadlineTimer: unknown;

  constructor(options: EngineLeaseOptions) {
    this.holderId = options.holderId ?? newHolderId();
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.ttlMs = options.ttlMs ?? 15_000;
    this.#renewEveryMs = options.renewEveryMs ?? Math.floor(this.ttlMs / 3);
    this.#safetyMarginMs = options.safetyMarginMs ?? 2_000;
    this.#onLost = options.onLost;
    this.#timers = options.timers ?? backgroundTimers;
    if (this.#safetyMarginMs < 0 || this.#safetyMarginMs + this.#renewEveryMs >= this.ttlMs) {
      throw new RangeError(
        'lease timing needs 0 <= safetyMarginMs and safetyMarginMs + renewEveryMs < ttlMs',
      );
    }
  }

  get state(): LeaseState {
    return this.#state;
  }

  /** The token to stamp on orders; null unless held. */
  get fencingToken(): number | null {
    return this.#state === 'held' ? this.#token : null;
  }

  /** Acquires the lease and starts heartbeats; a refusal says who holds it and until when. */
  async start(): Promise<LeaseStart> {
    if (this.#state !== 'idle') throw new Error(`lease already ${this.#state}; a lease object is used once`);
    const requestedAtMs = this.#clock.nowMs();
    const result = await this.#store.acquire({
      holderId: this.holderId,
      nowMs: requestedAtMs,
      ttlMs: this.ttlMs,
    });
    const account = this.#store.account;
    if (!result.ok) {
      const message =
        result.reason === 'held'
          ? `account ${account} is traded by another engine (${describeLease(result.holder)}); this engine will not trade`
          : result.reason === 'contended'
            ? `another engine acquired the lease of account ${account} at the same moment; this engine will not trade`
            : `the lease of account ${account} is unreadable (${result.problem.message}); refusing to trade`;
      this.#logger.warn({ account, reason: result.reason }, message);
      return { ok: false, reason: result.reason, message };
    }
    this.#state = 'held';
    this.#token = result.lease.fencingToken;
    this.#extendDeadline(requestedAtMs);
    this.#scheduleRenewal();
    this.#logger.info(
      { account, holderId: this.holderId, fencingToken: this.#token },
      'engine lease acquired',
    );
    return { ok: true, fencingToken: this.#token };
  }

  /**
   * Start-up after a crash: the dead engine's lease (or the watchdog's hold while it cancels) must
   * lapse first. Tries `start` every retryEveryMs until it succeeds or timeoutMs has passed, and
   * returns the last refusal then. An unreadable lease is not retried: it needs an operator.
   */
  async startWhenFree(options: {
    readonly timeoutMs: number;
    readonly retryEveryMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
  }): Promise<LeaseStart> {
    const sleep =
      options.sleep ?? ((ms: number) => new Promise<void>((resolve) => this.#timers.setTimeout(resolve, ms)));
    const giveUpAtMs = this.#clock.nowMs() + options.timeoutMs;
    for (;;) {
      const result = await this.start();
      if (result.ok || result.reason === 'unreadable') return result;
      const leftMs = giveUpAtMs - this.#clock.nowMs();
      if (leftMs <= 0) return result;
      await sleep(Math.min(options.retryEveryMs ?? 1_000, leftMs));
    }
  }

  /** The per-order check: true only while this lease is held under `token` and not yet due to expire. */
  canSend(token: number): boolean {
    if (this.#state !== 'held' || token !== this.#token) return false;
    if (this.#clock.nowMs() < this.#sendDeadlineMs) return true;
    this.#lose('renewal_overdue', `the lease was not renewed in time (fencing token ${this.#token})`);
    return false;
  }

  /**
   * The check before a write reaches the store: like canSend, so a process resumed after a pause
   * learns that its lease is gone (and drops its queued writes) before it writes. Before the lease
   * is first taken nothing is fenced yet; once lost or released, nothing more is written.
   */
  mayWrite(): boolean {
    return this.#state === 'idle' || this.canSend(this.#token);
  }

  /** One heartbeat; the renewal timer calls it, and tests may. True when the lease was renewed. */
  async renewNow(): Promise<boolean> {
    if (!this.canSend(this.#token)) return false;
    const requestedAtMs = this.#clock.nowMs();
    let result: Awaited<ReturnType<LeaseStore['renew']>>;
    try {
      result = await this.#store.renew(
        { holderId: this.holderId, fencingToken: this.#token },
        { nowMs: requestedAtMs, ttlMs: this.ttlMs },
      );
    } catch (error) {
      this.#logger.warn(
        { err: error, fencingToken: this.#token },
        'lease renewal failed; retrying until it is due',
      );
      return false;
    }
    // The deadline may have passed while the request was out; a lost lease stays lost.
    if (this.#state !== 'held') return false;
    if (result.ok) {
      this.#extendDeadline(requestedAtMs);
      return true;
    }
    const current = result.current;
    if (current.status === 'found' && current.value.status === 'released') {
      this.#lose(
        'released_elsewhere',
        `the lease was released by someone else (${describeLease(current.value)})`,
      );
    } else if (current.status === 'found') {
      this.#lose('taken_over', `the lease was taken over (${describeLease(current.value)})`);
    } else if (current.status === 'absent') {
      this.#lose('deleted', 'the lease item was deleted');
    } else {
      this.#lose('unreadable', `the lease is unreadable: ${current.problem.message}`);
    }
    return false;
  }

  /** Clean stop: releases the lease so the watchdog knows no orders were abandoned. */
  async stop(reason = 'clean stop'): Promise<void> {
    this.#clearTimers();
    if (this.#state !== 'held') return;
    this.#state = 'released';
    let result: Awaited<ReturnType<LeaseStore['release']>>;
    try {
      result = await this.#store.release(
        { holderId: this.holderId, fencingToken: this.#token },
        this.#clock.nowMs(),
        reason,
      );
    } catch (error) {
      // The lease then lapses instead, and the watchdog cancels the working orders: safe, not clean.
      this.#logger.error(
        { err: error, fencingToken: this.#token },
        'engine lease release failed; it will lapse',
      );
      return;
    }
    if (result.ok) this.#logger.info({ fencingToken: this.#token, reason }, 'engine lease released');
    else this.#logger.warn({ fencingToken: this.#token }, 'engine lease was no longer ours to release');
  }

  #extendDeadline(requestedAtMs: number): void {
    this.#sendDeadlineMs = requestedAtMs + this.ttlMs - this.#safetyMarginMs;
    this.#timers.clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = this.#timers.setTimeout(
      () => this.canSend(this.#token),
      Math.max(0, this.#sendDeadlineMs - this.#clock.nowMs()),
    );
  }

  #scheduleRenewal(): void {
    this.#renewTimer = this.#timers.setTimeout(() => {
      void this.renewNow().finally(() => {
        if (this.#state === 'held') this.#scheduleRenewal();
      });
    }, this.#renewEveryMs);
  }

  #clearTimers(): void {
    this.#timers.clearTimeout(this.#renewTimer);
    this.#timers.clearTimeout(this.#deadlineTimer);
  }

  #lose(reason: LeaseLossReason, detail: string): void {
    if (this.#state !== 'held') return;
    this.#state = 'lost';
    this.#clearTimers();
    const message = `engine stopped sending orders for account ${this.#store.account}: ${detail}`;
    this.#logger.error({ reason, fencingToken: this.#token }, message);
    try {
      this.#onLost({ reason, fencingToken: this.#token, message });
    } catch (error) {
      // The callback belongs to the engine; its failure must not hide that the lease is lost.
      this.#logger.error({ err: error }, 'lease-lost callback failed');
    }
  }
}
