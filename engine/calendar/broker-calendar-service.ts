/**
 * Keeps the engine's TradingCalendar in step with the broker: GET /v2/calendar (10 days back to
 * 40 ahead) and GET /v2/clock at start and then once a day. A failed fetch (unreachable, an error
 * status, an answer that fails validation) is logged, counted and retried with exponential
 * backoff and jitter, never in a tight loop: the account's 200 requests a minute are shared with
 * orders. Until a first fetch succeeds the calendar answers from the built-in NYSE rules; after
 * one, a failed refresh keeps the broker's last answer, which covers weeks ahead.
 */
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock } from '../../shared/time/clock.ts';
import { addDays, newYorkDate } from '../../shared/time/new-york-time.ts';
import {
  type BrokerCalendarDay,
  type BrokerClockReading,
  InvalidCalendarError,
  type TradingCalendar,
} from '../../shared/time/trading-calendar.ts';
import { VenueInvalidResponseError, VenueUnreachableError } from '../../shared/venue/venue-errors.ts';
import { backoffDelayMs, type RetryPolicy } from '../execution/retry-policy.ts';

/** What the service asks of the broker; any venue (shared/venue/trading-venue.ts) is one. */
export interface CalendarBroker {
  getCalendar(start: string, end: string): Promise<readonly BrokerCalendarDay[]>;
  getClock(): Promise<BrokerClockReading>;
}

export interface BrokerCalendarServiceOptions {
  readonly broker: CalendarBroker;
  /** Loaded in place, so risk (which holds the same instance) sees each refresh. */
  readonly calendar: TradingCalendar;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Runs each broker request; the engine passes its request scheduler so these share the budget. */
  readonly schedule?: <T>(request: () => Promise<T>) => Promise<T>;
  readonly daysBack?: number;
  readonly daysAhead?: number;
  readonly refreshEveryMs?: number;
  /** Delay before retry n: uniform in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))). */
  readonly retry?: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
}

export type RefreshOutcome = 'ok' | 'unreachable' | 'error' | 'invalid';
const OUTCOMES: readonly RefreshOutcome[] = ['ok', 'unreachable', 'error', 'invalid'];

const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_RETRY = { baseDelayMs: 5_000, maxDelayMs: 5 * 60_000 };

function outcomeOf(error: unknown): RefreshOutcome {
  if (error instanceof VenueUnreachableError) return 'unreachable';
  // The client's schema refused the body, or the calendar refused what it says.
  if (error instanceof VenueInvalidResponseError || error instanceof InvalidCalendarError) return 'invalid';
  return 'error';
}

export class BrokerCalendarService {
  readonly #calendar: TradingCalendar;
  readonly #broker: CalendarBroker;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #throttle: <T>(request: () => Promise<T>) => Promise<T>;
  readonly #daysBack: number;
  readonly #daysAhead: number;
  readonly #refreshEveryMs: number;
  readonly #retry: RetryPolicy;
  readonly #refreshes: Counter<'outcome'>;
  #failuresInARow = 0;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: BrokerCalendarServiceOptions) {
    this.#calendar = options.calendar;
    this.#broker = options.broker;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.#throttle = options.schedule ?? ((request) => request());
    this.#daysBack = options.daysBack ?? 10;
    this.#daysAhead = options.daysAhead ?? 40;
    this.#refreshEveryMs = options.refreshEveryMs ?? DAY_MS;
    this.#retry = { maxAttempts: Number.POSITIVE_INFINITY, ...(options.retry ?? DEFAULT_RETRY) };
    const registers = [options.registry];
    this.#refreshes = new Counter({
      name: 'calendar_refresh_total',
      help: 'Fetches of the broker calendar and clock, by outcome (ok, unreachable, error: an error status, invalid: a malformed answer)',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of OUTCOMES) this.#refreshes.inc({ outcome }, 0);
    const { calendar, clock } = options;
    new Gauge({
      name: 'calendar_broker_in_use',
      help: 'One while the broker calendar covers today; zero while the built-in NYSE rules decide the session and market hours.',
      registers,
      collect() {
        this.set(calendar.brokerCovers(clock.nowMs()) ? 1 : 0);
      },
    });
  }

  /**
   * The first fetch. Resolves when it is done either way: with the broker's calendar in use, or
   * with the rules in use and a retry scheduled. It never rejects, so the engine can await it
   * before trading without a failure path of its own.
   */
  start(): Promise<void> {
    return this.#run();
  }

  /** No more fetches; waits for one under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #run(): Promise<void> {
    this.#running = this.#refresh();
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const today = newYorkDate(this.#clock.nowMs());
    const start = addDays(today, -this.#daysBack);
    const end = addDays(today, this.#daysAhead);
    try {
      const [days, clock] = await Promise.all([
        this.#throttle(() => this.#broker.getCalendar(start, end)),
        this.#throttle(() => this.#broker.getClock()),
      ]);
      this.#calendar.load({ start, end, days, clock });
      this.#refreshes.inc({ outcome: 'ok' });
      this.#failuresInARow = 0;
      this.#log.info(
        { start, end, tradingDays: days.length, marketOpen: clock.isOpen },
        'broker calendar loaded',
      );
      this.#next(this.#refreshEveryMs);
    } catch (error) {
      const outcome = outcomeOf(error);
      this.#refreshes.inc({ outcome });
      this.#failuresInARow += 1;
      const retryInMs = backoffDelayMs(this.#retry, this.#failuresInARow, Math.random);
      const rulesInUse = !this.#calendar.brokerCovers(this.#clock.nowMs());
      this.#log.warn(
        { err: error, outcome, failuresInARow: this.#failuresInARow, retryInMs, rulesInUse },
        rulesInUse
          ? 'broker calendar unavailable; the built-in NYSE rules decide the session'
          : "broker calendar refresh failed; keeping the broker's last calendar",
      );
      this.#next(retryInMs);
    }
  }

  #next(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#run(), delayMs);
    this.#timer.unref();
  }
}
