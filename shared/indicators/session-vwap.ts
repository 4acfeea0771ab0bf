/**
 * Volume-weighted average of the typical price (high + low + close) / 3, anchored to the New York
 * trading day: the sums restart when a bar starts on a New York date other than the previous
 * bar's (pre-market bars count toward their day). Bars with zero volume change nothing; the value
 * is null until the session has traded some volume. A bar with negative volume is refused like a
 * non-finite one. O(1) per bar: the session's bounds are computed once per session, and each bar
 * only compares its start against them.
 */
import { addDays, newYorkDate, newYorkToUtcMs } from '../time/new-york-time.ts';
import type { BarInput, Indicator } from './indicator.ts';

export class SessionVwap implements Indicator<BarInput, number> {
  #started = false;
  #priceVolume = 0;
  #volume = 0;
  #sessionStartUs = Number.POSITIVE_INFINITY;
  #sessionEndUs = Number.NEGATIVE_INFINITY;
  #savedPriceVolume = 0;
  #savedVolume = 0;
  #savedSessionStartUs = Number.POSITIVE_INFINITY;
  #savedSessionEndUs = Number.NEGATIVE_INFINITY;

  update(bar: BarInput, replace = false): number | null {
    const { high, low, close, volume, startUs } = bar;
    if (
      !Number.isFinite(high) ||
      !Number.isFinite(low) ||
      !Number.isFinite(close) ||
      !(volume >= 0 && volume < Number.POSITIVE_INFINITY) ||
      !Number.isFinite(startUs)
    ) {
      return this.value;
    }
    if (replace && this.#started) {
      this.#priceVolume = this.#savedPriceVolume;
      this.#volume = this.#savedVolume;
      this.#sessionStartUs = this.#savedSessionStartUs;
      this.#sessionEndUs = this.#savedSessionEndUs;
    } else {
      this.#savedPriceVolume = this.#priceVolume;
      this.#savedVolume = this.#volume;
      this.#savedSessionStartUs = this.#sessionStartUs;
      this.#savedSessionEndUs = this.#sessionEndUs;
    }
    this.#started = true;
    if (startUs >= this.#sessionEndUs || startUs < this.#sessionStartUs) this.#startSession(startUs);
    if (volume > 0) {
      this.#priceVolume += ((high + low + close) / 3) * volume;
      this.#volume += volume;
    }
    return this.value;
  }

  get value(): number | null {
    return this.#volume > 0 ? this.#priceVolume / this.#volume : null;
  }

  get isReady(): boolean {
    return this.#volume > 0;
  }

  reset(): void {
    this.#started = false;
    this.#priceVolume = 0;
    this.#volume = 0;
    this.#sessionStartUs = Number.POSITIVE_INFINITY;
    this.#sessionEndUs = Number.NEGATIVE_INFINITY;
  }

  #startSession(startUs: number): void {
    const date = newYorkDate(Math.floor(startUs / 1000));
    this.#sessionStartUs = newYorkToUtcMs(date, 0) * 1000;
    this.#sessionEndUs = newYorkToUtcMs(addDays(date, 1), 0) * 1000;
    this.#priceVolume = 0;
    this.#volume = 0;
  }
}
