/**
 * Minute bars built locally from trades, for symbols configured to do so (no bar subscription, or
 * a check on the feed's bars). A bar closes when a trade of a later minute arrives or when the
 * owner calls `closeBefore` at a minute boundary; a late trade for the minute just closed yields
 * an "updated" bar, as Alpaca's own updated bars do. Pure: no timers, no I/O.
 */
import type { Bar, Trade } from '../../shared/domain/market-data.ts';
import { minuteStartUs } from './bar-series.ts';

interface OpenBar {
  startUs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  notional: number;
  tradeCount: number;
}

function toBar(symbol: string, bar: OpenBar, kind: Bar['kind']): Bar {
  return {
    symbol,
    kind,
    startUs: bar.startUs,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    tradeCount: bar.tradeCount,
    vwap: bar.volume > 0 ? bar.notional / bar.volume : 0,
  };
}

function add(bar: OpenBar, trade: Trade): void {
  if (trade.price > bar.high) bar.high = trade.price;
  if (trade.price < bar.low) bar.low = trade.price;
  bar.volume += trade.size;
  bar.notional += trade.price * trade.size;
  bar.tradeCount++;
}

export class TradeBarBuilder {
  readonly #open = new Map<string, OpenBar>();
  readonly #lastClosed = new Map<string, OpenBar>();
  /** Trades for minutes older than the last closed one: too late to place. */
  droppedLateTrades = 0;

  /** Returns the bars this trade completes or corrects (usually none). */
  addTrade(trade: Trade): Bar[] {
    const minute = minuteStartUs(trade.timestampUs);
    const open = this.#open.get(trade.symbol);
    if (open !== undefined && open.startUs === minute) {
      add(open, trade);
      open.close = trade.price;
      return [];
    }
    if (open !== undefined && minute < open.startUs) return this.#late(trade, minute);
    const closed = open === undefined ? [] : [this.#close(trade.symbol, open)];
    if (open === undefined) {
      const last = this.#lastClosed.get(trade.symbol);
      if (last !== undefined && minute <= last.startUs) return this.#late(trade, minute);
    }
    this.#open.set(trade.symbol, {
      startUs: minute,
      open: trade.price,
      high: trade.price,
      low: trade.price,
      close: trade.price,
      volume: trade.size,
      notional: trade.price * trade.size,
      tradeCount: 1,
    });
    return closed;
  }

  /** Closes every open bar whose minute ended at or before `nowUs`. */
  closeBefore(nowUs: number): Bar[] {
    const closed: Bar[] = [];
    for (const [symbol, open] of this.#open) {
      if (open.startUs + 60_000_000 <= nowUs) {
        this.#open.delete(symbol);
        closed.push(this.#close(symbol, open));
      }
    }
    return closed;
  }

  #close(symbol: string, bar: OpenBar): Bar {
    this.#lastClosed.set(symbol, bar);
    return toBar(symbol, bar, 'minute');
  }

  #late(trade: Trade, minute: number): Bar[] {
    const last = this.#lastClosed.get(trade.symbol);
    if (last === undefined || last.startUs !== minute) {
      this.droppedLateTrades++;
      return [];
    }
    add(last, trade);
    return [toBar(trade.symbol, last, 'updated')];
  }
}
