/**
 * Mean and population variance of the last `size` inputs, O(1) per update with Welford's
 * updates for a sliding window (adding, and swapping the oldest input for the newest). The
 * textbook shortcut, mean of squares minus square of mean, cancels catastrophically at market
 * prices (1e4 minus 1e4 for a variance near 1), so it is not used. Both moments are recomputed
 * from the window once every `size` inputs, so rounding never builds on more than one window.
 * A flat window (the last `size` inputs all equal, tracked as the length of the latest run of
 * equal inputs) reads exactly its value and a variance of exactly zero, rather than the square
 * root of leftover rounding.
 */
import { RollingSum } from './rolling-sum.ts';

export class RollingMoments {
  readonly size: number;
  readonly #window: RollingSum;
  readonly #inverseSize: number;
  #mean = 0;
  /** Sum of squared deviations from the mean. */
  #m2 = 0;
  /** How many of the latest inputs are equal to the latest one. */
  #run = 0;
  #savedRun = 0;
  #untilRecompute: number;

  constructor(size: number) {
    this.#window = new RollingSum(size);
    this.size = size;
    this.#inverseSize = 1 / size;
    this.#untilRecompute = size;
  }

  push(input: number): void {
    const window = this.#window;
    this.#savedRun = this.#run;
    this.#run = window.length > 0 && input === window.latest ? this.#run + 1 : 1;
    if (window.isFull) {
      const oldest = window.at(0);
      window.push(input);
      this.#swap(oldest, input);
    } else {
      window.push(input);
      const delta = input - this.#mean;
      this.#mean += delta / window.length;
      this.#m2 += delta * (input - this.#mean);
    }
    if (--this.#untilRecompute === 0) this.#recompute();
  }

  update(input: number, replace: boolean): void {
    if (replace) this.replaceLatest(input);
    else this.push(input);
  }

  replaceLatest(input: number): void {
    const window = this.#window;
    if (window.length === 0) {
      this.push(input);
      return;
    }
    const length = window.length;
    this.#run = length >= 2 && input === window.at(length - 2) ? this.#savedRun + 1 : 1;
    const latest = window.latest;
    window.replaceLatest(input);
    if (window.isFull) {
      this.#swap(latest, input);
    } else {
      this.#recompute(); // warm-up only: a window shorter than `size`
    }
  }

  get isFull(): boolean {
    return this.#window.isFull;
  }

  get mean(): number {
    return this.#run >= this.size ? this.#window.latest : this.#mean;
  }

  /** Population variance (divided by the window's length, as Bollinger defined his bands). */
  get variance(): number {
    if (this.#run >= this.size || !(this.#m2 > 0)) return 0;
    return this.#m2 / this.#window.length;
  }

  reset(): void {
    this.#window.reset();
    this.#mean = 0;
    this.#m2 = 0;
    this.#run = 0;
    this.#savedRun = 0;
    this.#untilRecompute = this.size;
  }

  /** A full window where `removed` left and `added` came in. */
  #swap(removed: number, added: number): void {
    const mean = this.#mean;
    const next = mean + (added - removed) * this.#inverseSize;
    this.#m2 += (added - removed) * (added - next + removed - mean);
    this.#mean = next;
  }

  #recompute(): void {
    const window = this.#window;
    const length = window.length;
    let sum = 0;
    for (let i = 0; i < length; i++) sum += window.at(i);
    const mean = sum / length;
    let m2 = 0;
    for (let i = 0; i < length; i++) {
      const deviation = window.at(i) - mean;
      m2 += deviation * deviation;
    }
    this.#mean = mean;
    this.#m2 = m2;
    this.#untilRecompute = this.size;
  }
}
