/**
 * Positions, P&L and exposure across symbols, from fills and mark prices. Pure: no I/O, time from
 * the injected Clock. Fills arrive here exactly once — de-duplication is the order state
 * machine's job — so every call changes the ledger.
 */

import type { Fill } from '../../shared/domain/fill.ts';
import { add, type Fixed, mul, sub, ZERO } from '../../shared/domain/fixed.ts';
import type { Position } from '../../shared/domain/position.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { addDays, newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import { sessionDateOf } from '../../shared/time/nyse-calendar.ts';
import { PositionLedger } from './position-ledger.ts';

export interface SymbolPnl {
  readonly symbol: string;
  readonly qty: Fixed;
  readonly avgEntryPrice: Fixed;
  /** The mark used: the last mark set, or the last fill price when none has been. */
  readonly markPrice: Fixed | null;
  readonly realizedPnl: Fixed;
  readonly unrealizedPnl: Fixed;
}

export interface Exposure {
  /** Σ |qty × mark|. */
  readonly gross: Fixed;
  /** Σ qty × mark: long minus short market value. */
  readonly net: Fixed;
}

export interface PnlSummary {
  readonly realized: Fixed;
  readonly unrealized: Fixed;
  readonly total: Fixed;
  /** Total P&L change since the current session began (see sessionDateOf). */
  readonly daily: Fixed;
  readonly sessionDate: string;
}

interface SymbolState {
  readonly ledger: PositionLedger;
  mark: Fixed | null;
}

export class Portfolio {
  readonly #clock: Clock;
  readonly #symbols = new Map<string, SymbolState>();
  #sessionDate = '';
  /** When the session date next changes: New York midnight after the current session date. */
  #sessionEndsAtMs = Number.NEGATIVE_INFINITY;
  #totalAtSessionStart: Fixed = ZERO;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#rollSession();
  }

  /** Books one execution; returns the P&L it realised. */
  applyFill(fill: Fill): Fixed {
    this.#rollSession();
    const state = this.#state(fill.symbol);
    const realized = state.ledger.applyFill(fill.side, fill.qty, fill.price);
    if (state.mark === null) state.mark = fill.price;
    return realized;
  }

  setMark(symbol: string, price: Fixed): void {
    this.#rollSession();
    this.#state(symbol).mark = price;
  }

  /** Starts a symbol from the broker's position (start-up, reconciliation). */
  restorePosition(symbol: string, qty: Fixed, avgEntryPrice: Fixed): void {
    this.#rollSession();
    const state = this.#state(symbol);
    state.ledger.restore(qty, avgEntryPrice);
    if (state.mark === null && qty !== 0n) state.mark = avgEntryPrice;
  }

  position(symbol: string): Position {
    const ledger = this.#symbols.get(symbol)?.ledger;
    return {
      symbol,
      assetClass: isCryptoSymbol(symbol) ? 'crypto' : 'us_equity',
      qty: ledger?.qty ?? ZERO,
      avgEntryPrice: ledger?.avgEntryPrice ?? ZERO,
      realizedPnl: ledger?.realizedPnl ?? ZERO,
    };
  }

  /** Every symbol with an open position. */
  openPositions(): Position[] {
    const open: Position[] = [];
    for (const [symbol, state] of this.#symbols) {
      if (state.ledger.qty !== 0n) open.push(this.position(symbol));
    }
    return open;
  }

  symbolPnl(symbol: string): SymbolPnl {
    const state = this.#symbols.get(symbol);
    const position = this.position(symbol);
    return {
      symbol,
      qty: position.qty,
      avgEntryPrice: position.avgEntryPrice,
      markPrice: state?.mark ?? null,
      realizedPnl: position.realizedPnl,
      unrealizedPnl: state === undefined ? ZERO : unrealized(state),
    };
  }

  pnl(): PnlSummary {
    this.#rollSession();
    const total = this.#totalPnl();
    return {
      realized: this.#realized(),
      unrealized: sub(total, this.#realized()),
      total,
      daily: sub(total, this.#totalAtSessionStart),
      sessionDate: this.#sessionDate,
    };
  }

  exposure(): Exposure {
    let gross = ZERO;
    let net = ZERO;
    for (const state of this.#symbols.values()) {
      if (state.ledger.qty === 0n || state.mark === null) continue;
      const value = mul(state.ledger.qty, state.mark);
      net = add(net, value);
      gross = add(gross, value < 0n ? (-value as Fixed) : value);
    }
    return { gross, net };
  }

  #state(symbol: string): SymbolState {
    let state = this.#symbols.get(symbol);
    if (state === undefined) {
      state = { ledger: new PositionLedger(), mark: null };
      this.#symbols.set(symbol, state);
    }
    return state;
  }

  #realized(): Fixed {
    let total = ZERO;
    for (const state of this.#symbols.values()) total = add(total, state.ledger.realizedPnl);
    return total;
  }

  #totalPnl(): Fixed {
    let total = ZERO;
    for (const state of this.#symbols.values()) {
      total = add(total, add(state.ledger.realizedPnl, unrealized(state)));
    }
    return total;
  }

  /**
   * Called before every change: the first event of a new session snapshots the total P&L at the
   * marks it finds (the previous session's last prices), and daily P&L counts from there.
   */
  #rollSession(): void {
    const nowMs = this.#clock.nowMs();
    if (nowMs < this.#sessionEndsAtMs) return;
    this.#sessionDate = sessionDateOf(nowMs);
    this.#sessionEndsAtMs = newYorkToUtcMs(addDays(this.#sessionDate, 1), 0);
    this.#totalAtSessionStart = this.#totalPnl();
  }
}

function unrealized(state: SymbolState): Fixed {
  return state.mark === null ? ZERO : state.ledger.unrealizedPnl(state.mark);
}
