/**
 * The venue's positions endpoint lagging its orders and fills, as Alpaca's does for a few seconds:
 * within a lag window, `listPositions` answers what the account held `lagMs` earlier, while orders
 * and their fills (the order endpoints, the trade-updates stream) are already current. Every other
 * request, and every other fault, is FaultyVenue's.
 */
import type { VenuePosition } from '../shared/venue/venue-types.ts';
import { FaultyVenue, type FaultyVenueOptions } from './faulty-venue.ts';

interface Snapshot {
  readonly atMs: number;
  readonly positions: readonly VenuePosition[];
}

export class LaggingPositionsVenue extends FaultyVenue {
  /** The account's positions after each execution, oldest first; the account starts flat. */
  readonly #history: Snapshot[] = [{ atMs: Number.NEGATIVE_INFINITY, positions: [] }];
  readonly #nowMs: () => number;
  #lag: { untilMs: number; lagMs: number } | null = null;

  constructor(options: FaultyVenueOptions) {
    super(options);
    this.#nowMs = options.nowMs;
    options.inner.onOrderEvent(({ execution }) => {
      if (execution === null) return;
      const atMs = options.nowMs();
      // The in-process venue answers from its state at the call: this is the position now.
      void options.inner.listPositions().then((positions) => this.#history.push({ atMs, positions }));
    });
  }

  /** From now for `durationMs`, positions are answered as they were `lagMs` before. */
  lagPositions(durationMs: number, lagMs: number): void {
    this.#lag = { untilMs: this.#nowMs() + durationMs, lagMs };
  }

  override async listPositions(): Promise<VenuePosition[]> {
    const current = await super.listPositions();
    const nowMs = this.#nowMs();
    if (this.#lag === null || nowMs >= this.#lag.untilMs) return current;
    const asOfMs = nowMs - this.#lag.lagMs;
    const snapshot = this.#history.findLast((entry) => entry.atMs <= asOfMs)!;
    return [...snapshot.positions];
  }
}
