/**
 * Recognises a trade seen moments ago, so a frame delivered twice (a venue or proxy resending)
 * cannot count its trades twice in volumes and trade-built bars. A trade is identified by its ID
 * and timestamp together: crypto IDs beyond 2^53 lose their low bits in a double, and stock IDs
 * repeat across tapes. A fixed ring per symbol keeps it allocation-free, and it is searched only
 * when a trade is not newer than every trade before it, so in-order trades cost one comparison.
 * The ring holds several of the venue's frames (up to 100 messages each).
 */

const RING = 512;

class Ring {
  readonly ids = new Float64Array(RING);
  readonly times = new Float64Array(RING).fill(Number.NaN);
  next = 0;
  newestUs = Number.NEGATIVE_INFINITY;
}

export class RecentTrades {
  readonly #rings = new Map<string, Ring>();
  duplicates = 0;

  /** True the first time a trade is offered; false for a repeat of one of its symbol's last 512. */
  isNew(symbol: string, id: number, timestampUs: number): boolean {
    let ring = this.#rings.get(symbol);
    if (ring === undefined) {
      ring = new Ring();
      this.#rings.set(symbol, ring);
    }
    if (timestampUs > ring.newestUs) {
      ring.newestUs = timestampUs;
    } else {
      const { ids, times } = ring;
      for (let i = 0; i < RING; i++) {
        if (times[i] === timestampUs && ids[i] === id) {
          this.duplicates++;
          return false;
        }
      }
    }
    ring.ids[ring.next] = id;
    ring.times[ring.next] = timestampUs;
    ring.next = (ring.next + 1) % RING;
    return true;
  }
}
