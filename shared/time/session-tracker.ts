/**
 * Which trading session an instant belongs to, followed as time moves, for everything that resets
 * daily (P&L, loss limits, day-trade counts). Sessions come from the trading calendar: a session
 * runs from the New York midnight after the previous trading day to the midnight after its own.
 *
 * When the calendar changes mid-session (the broker's arrives at start-up, or a refresh learns of
 * a closure), the session under way may turn out to be another date's. It began at the same
 * boundary, so it is renamed, never reset: what counted today still counts.
 */
import type { TradingCalendar } from './trading-calendar.ts';

export type SessionChange = 'started' | 'renamed' | null;

export class SessionTracker {
  readonly #calendar: TradingCalendar;
  #date = '';
  #endsAtMs = Number.NEGATIVE_INFINITY;
  /** The calendar's revision the session was worked out from. */
  #revision = -1;

  constructor(calendar: TradingCalendar) {
    this.#calendar = calendar;
  }

  /** The current session's date (YYYY-MM-DD); empty before the first update. */
  get date(): string {
    return this.#date;
  }

  /** Moves to `nowMs`: 'started' when a new session began, 'renamed' when the calendar renamed this one. */
  update(nowMs: number): SessionChange {
    const calendar = this.#calendar;
    if (nowMs >= this.#endsAtMs) {
      this.#revision = calendar.revision;
      this.#date = calendar.sessionDateOf(nowMs);
      this.#endsAtMs = calendar.sessionEndMs(this.#date);
      return 'started';
    }
    if (calendar.revision === this.#revision) return null;
    this.#revision = calendar.revision;
    const date = calendar.sessionDateOf(nowMs);
    if (date === this.#date) return null;
    this.#date = date;
    this.#endsAtMs = calendar.sessionEndMs(date);
    return 'renamed';
  }
}
