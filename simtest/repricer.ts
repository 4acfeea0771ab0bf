/**
 * Repricing of working limit orders through the engine's replace (OrderRouter.replace), a seeded
 * parameter of the run. Nothing in the engine replaces on its own yet (a strategy's or an
 * operator's repricing would call this), so the harness plays the caller: an order of ours still
 * working `afterMs` after it was last priced is replaced at the touch, for what is left of it —
 * often after part of it filled, and with fills landing while the replace is under way.
 */
import { fixedFromNumber } from '../shared/domain/fixed.ts';
import type { OrderSide } from '../shared/domain/order.ts';
import type { EngineNode } from './engine-node.ts';
import type { EventLog } from './event-log.ts';

export interface RepricerOptions {
  readonly afterMs: number;
  readonly nowMs: () => number;
  readonly log: EventLog;
  /** The price a limit order on this side would take now: the ask for a buy, the bid for a sell. */
  readonly touch: (symbol: string, side: OrderSide) => number | undefined;
  /** Whether an order may be repriced: a limit order a strategy sent (not a risk exit). */
  readonly eligible: (clientOrderId: string) => boolean;
}

export class Repricer {
  readonly #options: RepricerOptions;
  /** When each working order was last priced (first seen working, or replaced). */
  readonly #pricedAtMs = new Map<string, number>();
  readonly #replacing = new Set<string>();

  constructor(options: RepricerOptions) {
    this.#options = options;
  }

  /** Reprices `node`'s orders that are due; the harness calls it once per step. */
  tick(node: EngineNode): void {
    const { afterMs, nowMs, log, touch, eligible } = this.#options;
    const now = nowMs();
    const { tracker, router } = node.stack.execution;
    for (const state of tracker.openOrders()) {
      const order = state.view();
      const { clientOrderId } = order;
      if (order.orderId === null || this.#replacing.has(clientOrderId)) continue;
      if (order.status !== 'new' && order.status !== 'partially_filled') continue;
      if (!eligible(clientOrderId)) continue;
      const pricedAtMs = this.#pricedAtMs.get(clientOrderId);
      if (pricedAtMs === undefined) {
        this.#pricedAtMs.set(clientOrderId, now);
        continue;
      }
      const price = touch(order.symbol, order.side);
      if (now - pricedAtMs < afterMs || price === undefined) continue;
      this.#replacing.add(clientOrderId);
      log.add('reprice', { engine: node.name, clientOrderId, filled: String(order.filledQty), price });
      void router.replace(clientOrderId, { limitPrice: fixedFromNumber(price) }).then((result) => {
        log.add('repriced', {
          engine: node.name,
          clientOrderId,
          ...(result.ok ? { replacement: result.clientOrderId } : { refused: result.reason }),
        });
        if (result.ok) this.#pricedAtMs.set(result.clientOrderId, nowMs());
      });
    }
  }
}
