/**
 * Per-position stop loss and trailing stop, evaluated on every quote in float64. A long exits
 * when the bid falls to the higher of entry × (1 − stop) and best bid × (1 − trail); a short
 * mirrors it on the ask. The trailing anchor only moves in the position's favour, and adding to a
 * position moves the stop loss with the new average entry but never resets the anchor.
 */
import type { StopKind } from './risk-events.ts';

export interface StopLevels {
  readonly stopLossFraction: number;
  readonly trailingStopFraction: number;
  /** The least time between two exit attempts for one position. */
  readonly stopRetryIntervalMs: number;
}

export interface StopHit {
  readonly kind: StopKind;
  readonly price: number;
  readonly stopPrice: number;
}

export class PositionStop {
  direction: 1 | -1;
  entryPrice: number;
  /** Best price seen since the position opened: highest bid for a long, lowest ask for a short. */
  anchor: number;
  readonly openedAtMs: number;
  /** An exit is on its way: one crossing produces one exit, until that exit is refused or ends unfilled. */
  exitPending = false;
  /** No new attempt before this: while a symbol is halted every quote would otherwise re-fire. */
  retryAtMs = 0;

  constructor(direction: 1 | -1, entryPrice: number, openedAtMs: number) {
    this.direction = direction;
    this.entryPrice = entryPrice;
    this.anchor = entryPrice;
    this.openedAtMs = openedAtMs;
  }

  stopLossPrice(levels: StopLevels): number {
    return this.entryPrice * (1 - this.direction * levels.stopLossFraction);
  }

  trailingStopPrice(levels: StopLevels): number {
    return this.anchor * (1 - this.direction * levels.trailingStopFraction);
  }

  /** Moves the anchor, then returns the stop that the quote crosses, or null. */
  evaluate(bid: number, ask: number, levels: StopLevels, nowMs: number): StopHit | null {
    if (this.direction > 0) {
      if (!(bid > 0)) return null;
      if (bid > this.anchor) this.anchor = bid;
      const stopLoss = this.stopLossPrice(levels);
      const trailing = this.trailingStopPrice(levels);
      if (!this.#mayFire(nowMs) || bid > Math.max(stopLoss, trailing)) return null;
      this.#fire(nowMs, levels);
      return trailing >= stopLoss
        ? { kind: 'trailing_stop', price: bid, stopPrice: trailing }
        : { kind: 'stop_loss', price: bid, stopPrice: stopLoss };
    }
    if (!(ask > 0)) return null;
    if (ask < this.anchor) this.anchor = ask;
    const stopLoss = this.stopLossPrice(levels);
    const trailing = this.trailingStopPrice(levels);
    if (!this.#mayFire(nowMs) || ask < Math.min(stopLoss, trailing)) return null;
    this.#fire(nowMs, levels);
    return trailing <= stopLoss
      ? { kind: 'trailing_stop', price: ask, stopPrice: trailing }
      : { kind: 'stop_loss', price: ask, stopPrice: stopLoss };
  }

  #mayFire(nowMs: number): boolean {
    return !this.exitPending && nowMs >= this.retryAtMs;
  }

  #fire(nowMs: number, levels: StopLevels): void {
    this.exitPending = true;
    this.retryAtMs = nowMs + levels.stopRetryIntervalMs;
  }
}

/** Keeps one PositionStop per open position in step with the ledger. */
export class PositionStops {
  readonly #stops = new Map<string, PositionStop>();

  get(symbol: string): PositionStop | undefined {
    return this.#stops.get(symbol);
  }

  /** After a position change: a new position gets a fresh stop; an added-to one keeps its anchor. */
  sync(symbol: string, qty: number, averagePrice: number, openedAtMs: number): void {
    if (qty === 0) {
      this.#stops.delete(symbol);
      return;
    }
    const direction = qty > 0 ? 1 : -1;
    const stop = this.#stops.get(symbol);
    if (stop === undefined || stop.openedAtMs !== openedAtMs || stop.direction !== direction) {
      this.#stops.set(symbol, new PositionStop(direction, averagePrice, openedAtMs));
      return;
    }
    stop.entryPrice = averagePrice;
  }

  /** The exit was refused or ended unfilled while the position is open: a later quote tries again. */
  rearm(symbol: string): void {
    const stop = this.#stops.get(symbol);
    if (stop !== undefined) stop.exitPending = false;
  }
}
