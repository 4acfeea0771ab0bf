/**
 * The engine's one position book: positions, P&L and exposure across symbols, from fills and mark
 * prices. Execution books every fill here, exactly once — de-duplication is the order state
 * machine's job — and reconciliation restores the venue's positions here; risk reads the same
 * per-symbol ledgers (`ledger`) and the day's realised P&L rather than keeping its own. Pure: no
 * I/O, time from the injected Clock, sessions from the trading calendar risk uses too.
 */

import type { Fill } from '../../shared/domain/fill.ts';
import { add, type Fixed, fixedToNumber, mul, sub, ZERO } from '../../shared/domain/fixed.ts';
import type { Position } from '../../shared/domain/position.ts';
import { PositionLedger } from '../../shared/domain/position-ledger.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { SessionTracker } from '../../shared/time/session-tracker.ts';
import { TradingCalendar } from '../../shared/time/trading-calendar.ts';

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
  readonly #session: SessionTracker;
  readonly #symbols = new Map<string, SymbolState>();
  #totalAtSessionStart: Fixed = ZERO;
  /** Σ realised P&L of every symbol, kept as fills book, so the day's share is O(1) per quote. */
  #realizedTotal = 0n;
  #realizedAtSessionStart = 0n;
  /** P&L realised since the session began, as a float kept per fill: risk's loss limit reads it per quote. */
  #realizedTodayUsd = 0;

  constructor(clock: Clock, calendar: TradingCalendar = new TradingCalendar()) {
    this.#clock = clock;
    this.#session = new SessionTracker(calendar);
    this.#rollSession();
  }

  /** Books one execution; returns the P&L it realised. */
  applyFill(fill: Fill): Fixed {
    this.#rollSession();
    const state = this.#state(fill.symbol);
    const realized = state.ledger.applyFill(fill.side, fill.qty, fill.price);
    this.#realizedTotal += realized;
    this.#realizedTodayUsd = fixedToNumber((this.#realizedTotal - this.#realizedAtSessionStart) as Fixed);
    if (state.mark === null) state.mark = fill.price;
    return realized;
  }

  /** A symbol's ledger, created flat on first use: risk reads positions through it. */
  ledger(symbol: string): PositionLedger {
    return this.#state(symbol).ledger;
  }

  /** Every symbol that has had a position or a fill. */
  symbols(): IterableIterator<string> {
    return this.#symbols.keys();
  }

  /** P&L realised since the session began, in dollars, at an instant the caller has read (no clock read, no bigint). */
  realizedTodayUsdAt(nowMs: number): number {
    this.#rollSession(nowMs);
    return this.#realizedTodayUsd;
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
      sessionDate: this.#session.date,
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
    return this.#realizedTotal as Fixed;
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
  #rollSession(nowMs = this.#clock.nowMs()): void {
    if (this.#session.update(nowMs) !== 'started') return;
    this.#totalAtSessionStart = this.#totalPnl();
    this.#realizedAtSessionStart = this.#realizedTotal;
    this.#realizedTodayUsd = 0;
  }
}

function unrealized(state: SymbolState): Fixed {
  return state.mark === null ? ZERO : state.ledger.unrealizedPnl(state.mark);
}
