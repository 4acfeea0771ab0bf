/**
 * Answers to actions, kept by the caller's Idempotency-Key for a day, so a client that retries
 * (a timeout, a lost connection, a double click) gets the first answer again instead of a second
 * order or a second kill switch. A retry that arrives while the first is still running waits for
 * it. The same key with a different request is the client's bug and is refused, not guessed at.
 */
import type { Clock } from '../../shared/time/clock.ts';

const RETENTION_MS = 24 * 60 * 60 * 1000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  readonly fingerprint: string;
  readonly answer: Promise<T>;
  readonly expiresAtMs: number;
}

export type IdempotentRun<T> =
  | { readonly kind: 'first' | 'replay'; readonly answer: Promise<T> }
  | { readonly kind: 'conflict' };

export class IdempotencyCache<T> {
  readonly #clock: Clock;
  // A Map iterates in insertion order: the first entries are the oldest.
  readonly #entries = new Map<string, Entry<T>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `act` the first time a key is seen; later, the stored answer (or a conflict). */
  run(key: string, fingerprint: string, act: () => Promise<T>): IdempotentRun<T> {
    const nowMs = this.#clock.nowMs();
    this.#expire(nowMs);
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      return existing.fingerprint === fingerprint
        ? { kind: 'replay', answer: existing.answer }
        : { kind: 'conflict' };
    }
    const answer = act();
    this.#entries.set(key, { fingerprint, answer, expiresAtMs: nowMs + RETENTION_MS });
    // An action that failed outright (a bug, not a refusal) may be tried again under its key.
    answer.catch(() => this.#entries.delete(key));
    return { kind: 'first', answer };
  }

  #expire(nowMs: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAtMs > nowMs && this.#entries.size < MAX_ENTRIES) break;
      this.#entries.delete(key);
    }
  }
}
