/**
 * One-off market closures that no holiday rule predicts (a national day of mourning, say): New
 * York dates on which the simulated exchange does not open, whatever the session hours. Given
 * at start (SimulatorOptions.closedDates, `--closed-dates`) or at run time (POST
 * /admin/trading/calendar/closures); the trading calendar and the generated market read them,
 * and listeners hear of every change so that scheduled session boundaries can move.
 */
import { addDays } from '../shared/time/new-york-time.ts';

/** A real calendar date written YYYY-MM-DD (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && addDays(text, 0) === text;
}

function checked(date: string): string {
  if (isCalendarDate(date)) return date;
  throw new RangeError(`closed date ${JSON.stringify(date)} is not a date written YYYY-MM-DD`);
}

export class ClosedDates {
  readonly #dates = new Set<string>();
  readonly #listeners = new Set<() => void>();
  #version = 0;

  /** Throws a RangeError naming the first value that is not a YYYY-MM-DD date. */
  constructor(dates: readonly string[] = []) {
    for (const date of dates) this.#dates.add(checked(date));
  }

  has(date: string): boolean {
    return this.#dates.size > 0 && this.#dates.has(date);
  }

  /** Bumped by every change, so what was computed from the dates can tell it is stale. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#dates.size;
  }

  /** The closed dates in calendar order. */
  list(): string[] {
    return [...this.#dates].sort();
  }

  /** Closes a date; throws a RangeError when it is not a YYYY-MM-DD date. */
  add(date: string): void {
    if (this.#dates.has(checked(date))) return;
    this.#dates.add(date);
    this.#changed();
  }

  clear(): void {
    if (this.#dates.size === 0) return;
    this.#dates.clear();
    this.#changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
