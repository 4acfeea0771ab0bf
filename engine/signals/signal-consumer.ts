/**
 * Takes signals off the signals queue and hands them to the strategy host. Every body is parsed
 * with the shared schema first. What is never traded:
 * - a body that fails the schema: counted, logged with the reason, and not deleted, so the
 *   queue's redrive policy moves it to the dead-letter queue where it can be read;
 * - a signal older than maxSignalAgeMs (from generatedAtMs): counted and deleted;
 * - a signal id already handled (SQS delivers at least once): counted and deleted.
 * The rest go to StrategyHost.onSignal, whose strategies submit intents to risk and execution
 * like any other, and are deleted.
 */
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../shared/logging/logger.ts';
import { parseSignalMessage, type Signal } from '../../shared/signals/signal-message.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { RecentSignalIds } from './recent-signal-ids.ts';

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
}

/** The signals queue as the consumer uses it. */
export interface SignalQueue {
  /** Long-polls; resolves with what arrived (possibly nothing). Rejects when SQS fails. */
  receive(signal: AbortSignal): Promise<ReceivedMessage[]>;
  delete(receiptHandles: readonly string[]): Promise<void>;
}

export type SignalOutcome = 'handled' | 'unrouted' | 'invalid' | 'stale' | 'duplicate';

export interface SignalConsumerOptions {
  readonly queue: SignalQueue;
  readonly maxSignalAgeMs: number;
  readonly rememberSignalIds: number;
  /** Says whether a strategy took the signal (StrategyHost.onSignal). */
  readonly onSignal: (signal: Signal) => boolean;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Wait after a failed receive, so a queue that is down is not hammered. */
  readonly retryDelayMs?: number;
}

export class SignalConsumer {
  readonly #options: SignalConsumerOptions;
  readonly #seen: RecentSignalIds;
  readonly #outcomes: Counter<'outcome'>;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  /** Deletes under way: the next receive does not wait for them, stop does. */
  readonly #deletes = new Set<Promise<void>>();
  #failing = false;

  constructor(options: SignalConsumerOptions) {
    this.#options = options;
    this.#seen = new RecentSignalIds(options.rememberSignalIds);
    this.#outcomes = new Counter({
      name: 'engine_signals_received_total',
      help: 'Signals taken off the signals queue, by outcome: handled (a strategy took it), unrouted (no enabled strategy trades it), invalid (failed the schema; left for the dead-letter queue), stale (older than maxSignalAgeMs), duplicate (signal id already handled)',
      labelNames: ['outcome'],
      registers: [options.registry],
    });
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await Promise.all(this.#deletes);
  }

  /**
   * One received batch: each message judged, then the ones done with deleted in the background,
   * so the next signal's receive is not held up by this batch's delete. A delete that fails
   * leaves its messages to reappear after the visibility timeout, when they are dropped as repeats.
   */
  #handle(messages: readonly ReceivedMessage[]): void {
    const done = messages.filter((message) => this.#judge(message) !== 'invalid');
    if (done.length === 0) return;
    const deleting = this.#options.queue
      .delete(done.map((message) => message.receiptHandle))
      .catch((error: unknown) =>
        this.#options.logger.warn({ err: error, messages: done.length }, 'could not delete handled signals'),
      )
      .finally(() => this.#deletes.delete(deleting));
    this.#deletes.add(deleting);
  }

  #judge(message: ReceivedMessage): SignalOutcome {
    const outcome = this.#outcome(message);
    this.#outcomes.inc({ outcome });
    return outcome;
  }

  #outcome(message: ReceivedMessage): SignalOutcome {
    const parsed = parseSignalMessage(message.body);
    if (!parsed.ok) {
      this.#options.logger.warn(
        { messageId: message.messageId, reason: parsed.reason },
        'invalid signal message: not traded, left for the dead-letter queue',
      );
      return 'invalid';
    }
    const signal = parsed.value;
    if (this.#seen.has(signal.signalId)) return 'duplicate';
    this.#seen.remember(signal.signalId);
    const ageMs = this.#options.clock.nowMs() - signal.generatedAtMs;
    if (ageMs > this.#options.maxSignalAgeMs) {
      this.#options.logger.warn(
        { signalId: signal.signalId, ageMs, maxSignalAgeMs: this.#options.maxSignalAgeMs },
        'stale signal dropped, not traded',
      );
      return 'stale';
    }
    return this.#options.onSignal(signal) ? 'handled' : 'unrouted';
  }

  async #run(): Promise<void> {
    const abort = this.#abort.signal;
    while (!abort.aborted) {
      try {
        const messages = await this.#options.queue.receive(abort);
        if (messages.length > 0) this.#handle(messages);
        if (this.#failing) this.#options.logger.info('signals queue answers again');
        this.#failing = false;
      } catch (error) {
        if (abort.aborted) return;
        if (!this.#failing) this.#options.logger.warn({ err: error }, 'signals queue unavailable: retrying');
        this.#failing = true;
        await new Promise((resolve) => setTimeout(resolve, this.#options.retryDelayMs ?? 1_000));
      }
    }
  }
}
