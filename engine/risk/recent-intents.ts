/**
 * Intents submitted in the last window, per symbol, to refuse a duplicate: the same intent id
 * again, or the same strategy sending the same order (side, quantity, type, prices) again, which
 * is what a retry loop or a double-fired signal looks like.
 */
import type { OrderIntent } from '../../shared/domain/order.ts';

interface Submitted {
  readonly intent: OrderIntent;
  readonly atMs: number;
}

function sameOrder(a: OrderIntent, b: OrderIntent): boolean {
  return (
    a.strategyId === b.strategyId &&
    a.side === b.side &&
    a.qty === b.qty &&
    a.type === b.type &&
    a.limitPrice === b.limitPrice &&
    a.stopPrice === b.stopPrice
  );
}

export class RecentIntents {
  readonly #windowMs: number;
  readonly #bySymbol = new Map<string, Submitted[]>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  isDuplicate(intent: OrderIntent, nowMs: number): boolean {
    const recent = this.#bySymbol.get(intent.symbol);
    if (recent === undefined) return false;
    const since = nowMs - this.#windowMs;
    for (let i = recent.length - 1; i >= 0; i--) {
      const entry = recent[i]!;
      if (entry.atMs <= since) break;
      if (entry.intent.intentId === intent.intentId || sameOrder(entry.intent, intent)) return true;
    }
    return false;
  }

  record(intent: OrderIntent, nowMs: number): void {
    let recent = this.#bySymbol.get(intent.symbol);
    if (recent === undefined) {
      recent = [];
      this.#bySymbol.set(intent.symbol, recent);
    }
    const since = nowMs - this.#windowMs;
    let expired = 0;
    while (expired < recent.length && recent[expired]!.atMs <= since) expired++;
    if (expired > 0) recent.splice(0, expired);
    recent.push({ intent, atMs: nowMs });
  }
}
