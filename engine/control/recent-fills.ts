/** The last fills booked, for the API and the dashboard, and a way to hear of each as it happens. */
import type { FillAnswer } from '../../shared/api/engine-api-schemas.ts';
import type { Fill } from '../../shared/domain/fill.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import { formatFixed } from '../../shared/domain/fixed.ts';

const KEPT = 200;

export class RecentFills {
  readonly #fills: FillAnswer[] = [];
  readonly #listeners = new Set<(fill: FillAnswer) => void>();

  booked(fill: Fill, realized: Fixed): void {
    const answer: FillAnswer = {
      clientOrderId: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      qty: formatFixed(fill.qty),
      price: formatFixed(fill.price),
      realizedPnl: formatFixed(realized),
      at: new Date(fill.timestampMs).toISOString(),
    };
    this.#fills.push(answer);
    if (this.#fills.length > KEPT) this.#fills.shift();
    for (const listener of this.#listeners) listener(answer);
  }

  /** Most recent first. */
  list(): FillAnswer[] {
    return [...this.#fills].reverse();
  }

  subscribe(listener: (fill: FillAnswer) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
