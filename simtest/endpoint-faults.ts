/**
 * Faults of the venue's endpoints beyond FaultyVenue's (whose faults all still apply):
 * - the positions endpoint lagging its orders and fills, as Alpaca's does for a few seconds:
 *   within a lag window, `listPositions` answers what the account held `lagMs` earlier, while
 *   orders and their fills (the order endpoints, the trade-updates stream) are already current;
 * - a replace answered late: it takes effect at once, and its answer comes `replaceAnswerDelayMs`
 *   later, so the old order's fills and the replacement's own can land before it.
 */
import type { Timers } from '../shared/time/timers.ts';
import type { ReplaceRequest, VenueOrder, VenuePosition } from '../shared/venue/venue-types.ts';
import { FaultyVenue, type FaultyVenueOptions } from './faulty-venue.ts';

interface Snapshot {
  readonly atMs: number;
  readonly positions: readonly VenuePosition[];
}

export interface EndpointFaultsOptions extends FaultyVenueOptions {
  readonly replaceAnswerDelayMs: number;
}

export class EndpointFaultsVenue extends FaultyVenue {
  /** The account's positions after each execution, oldest first; the account starts flat. */
  readonly #history: Snapshot[] = [{ atMs: Number.NEGATIVE_INFINITY, positions: [] }];
  readonly #nowMs: () => number;
  readonly #timers: Timers;
  readonly #replaceAnswerDelayMs: number;
  #lag: { untilMs: number; lagMs: number } | null = null;

  constructor(options: EndpointFaultsOptions) {
    super(options);
    this.#nowMs = options.nowMs;
    this.#timers = options.timers;
    this.#replaceAnswerDelayMs = options.replaceAnswerDelayMs;
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

  override async replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    const answer = await super.replaceOrder(orderId, changes);
    if (this.#replaceAnswerDelayMs > 0)
      await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, this.#replaceAnswerDelayMs));
    return answer;
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
