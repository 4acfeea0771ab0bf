/**
 * A crypto pair's level-2 book: `depth` levels a tick apart on each side of the quote. Each
 * change produces the delta Alpaca streams: levels that changed or appeared with their new
 * size, levels that left the book with size 0.
 */
import type { BookLevel } from '../../shared/domain/market-data.ts';
import type { Prng } from './prng.ts';

export interface BookDelta {
  readonly bids: BookLevel[];
  readonly asks: BookLevel[];
}

class BookSide {
  readonly #direction: 1 | -1;
  /** Prices in ticks (integers), best first. */
  ticks: number[] = [];
  sizes: number[] = [];

  constructor(direction: 1 | -1) {
    this.#direction = direction;
  }

  /** Re-centres the side on a new best price; returns the changed levels. */
  reprice(
    bestTick: number,
    bestSize: number,
    depth: number,
    freshSize: () => number,
    perturbed: number,
    perturbedSize: number,
  ): number[][] {
    const oldTicks = this.ticks;
    const oldSizes = this.sizes;
    const ticks: number[] = new Array(depth);
    const sizes: number[] = new Array(depth);
    const changes: number[][] = [];
    let cursor = 0;
    for (let level = 0; level < depth; level++) {
      const tick = bestTick + this.#direction * level;
      ticks[level] = tick;
      // Walk the old side in step: both sides are sorted best first.
      while (cursor < oldTicks.length && this.#direction * (oldTicks[cursor]! - tick) < 0) {
        changes.push([oldTicks[cursor]!, 0]);
        cursor++;
      }
      const existed = cursor < oldTicks.length && oldTicks[cursor] === tick;
      let size = existed ? oldSizes[cursor]! : freshSize();
      if (existed) cursor++;
      if (level === 0) size = bestSize;
      else if (level === perturbed) size = perturbedSize;
      sizes[level] = size;
      if (!existed || size !== oldSizes[cursor - 1]) changes.push([tick, size]);
    }
    for (; cursor < oldTicks.length; cursor++) changes.push([oldTicks[cursor]!, 0]);
    this.ticks = ticks;
    this.sizes = sizes;
    return changes;
  }
}

export class CryptoBook {
  readonly #depth: number;
  readonly #ticksPerUnit: number;
  readonly #bids = new BookSide(-1);
  readonly #asks = new BookSide(1);

  constructor(depth: number, ticksPerUnit: number) {
    this.#depth = depth;
    this.#ticksPerUnit = ticksPerUnit;
  }

  /** Moves the touch to (bid, ask) with the given top sizes and jiggles one deeper level per side. */
  update(
    bidTick: number,
    bidSize: number,
    askTick: number,
    askSize: number,
    prng: Prng,
    freshSize: () => number,
  ): BookDelta {
    const bidChanges = this.#bids.reprice(
      bidTick,
      bidSize,
      this.#depth,
      freshSize,
      1 + prng.nextInt(this.#depth - 1),
      freshSize(),
    );
    const askChanges = this.#asks.reprice(
      askTick,
      askSize,
      this.#depth,
      freshSize,
      1 + prng.nextInt(this.#depth - 1),
      freshSize(),
    );
    return { bids: this.#levels(bidChanges), asks: this.#levels(askChanges) };
  }

  snapshot(): BookDelta {
    const side = (book: BookSide): BookLevel[] =>
      book.ticks.map((tick, i) => ({ price: tick / this.#ticksPerUnit, size: book.sizes[i]! }));
    return { bids: side(this.#bids), asks: side(this.#asks) };
  }

  #levels(changes: number[][]): BookLevel[] {
    return changes.map(([tick, size]) => ({ price: tick! / this.#ticksPerUnit, size: size! }));
  }
}
