/**
 * The engine's market-data stage: takes the feed's validated messages and keeps the books, the
 * per-symbol freshness, and gap-free minute bars. When a feed is ready again after a loss or a
 * silence it backfills the missed minutes (and trades, where configured) of that feed's symbols
 * from the venue's history (the port's MarketDataHistory; Alpaca's REST in production) before it
 * releases their live bars that arrived meanwhile, so bar consumers see every minute exactly once
 * and in order. Gaps are per feed: a stock feed silent overnight holds back nothing of the crypto
 * feed. It knows the venue only through the market-data port (shared/venue/market-data-feed.ts).
 */

import type { Bar, Trade } from '../../shared/domain/market-data.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { Clock } from '../../shared/time/clock.ts';
import type { ConnectionState } from '../../shared/venue/connection-state.ts';
import type { FeedMetrics } from '../../shared/venue/feed-metrics.ts';
import type {
  FeedGap,
  HistoryResult,
  MarketDataHistory,
  MarketDataMessage,
} from '../../shared/venue/market-data-feed.ts';
import { OrderBook } from '../book/order-book.ts';
import { TopOfBook } from '../book/top-of-book.ts';
import { BAR_SERIES_CAPACITY, type BarAcceptance, BarSeries, minuteStartUs } from './bar-series.ts';
import { RecentTrades } from './recent-trades.ts';
import { type Freshness, StaleGuard } from './stale-guard.ts';
import { TradeBarBuilder } from './trade-bar-builder.ts';

const MINUTE_US = 60_000_000;

export interface MarketDataServiceOptions {
  readonly clock: Clock;
  readonly metrics: FeedMetrics;
  /** Every symbol the engine follows; only these are tracked for freshness. */
  readonly symbols: readonly string[];
  readonly staleAfterMs: number;
  readonly staleAfterMsBySymbol?: Readonly<Record<string, number>>;
  /** Symbols whose minute bars come from the feed's bar channel (and are backfilled from REST bars). */
  readonly feedBarSymbols?: readonly string[];
  /** Symbols whose minute bars are built here from trades (gaps backfilled from REST trades). */
  readonly tradeBarSymbols?: readonly string[];
  /** Where gaps are backfilled from: the venue's history API, or recorded history in a backtest. */
  readonly history?: MarketDataHistory;
  readonly logger?: Logger;
  /** A new, corrected or backfilled minute bar; `acceptance` says which. */
  readonly onBar?: (bar: Bar, acceptance: BarAcceptance) => void;
  readonly onTrade?: (trade: Trade) => void;
}

interface QuoteTarget {
  readonly top: TopOfBook;
  /** The symbol's StaleGuard slot; -1 for a symbol not followed. */
  readonly staleSlot: number;
}

/** A feed's live bars and trades held back while the gap before them is being backfilled. */
interface Backfill {
  readonly bars: Bar[];
  readonly trades: Trade[];
}

/**
 * The feed listener's part for books, freshness and bars. The gap calls take the feed's symbols
 * (all followed symbols by default), since several feeds share this one service.
 */
export class MarketDataService {
  readonly staleGuard: StaleGuard;
  readonly #options: MarketDataServiceOptions;
  /** Symbol → its top of book and freshness slot: one lookup per quote. */
  readonly #tops = new Map<string, QuoteTarget>();
  readonly #books = new Map<string, OrderBook>();
  readonly #bars = new Map<string, BarSeries>();
  readonly #dailyBars = new Map<string, Bar>();
  readonly #tradeBarSymbols: ReadonlySet<string>;
  readonly #tradeBars = new TradeBarBuilder();
  readonly #lastTradeUs = new Map<string, number>();
  readonly #recentTrades = new RecentTrades();
  /** Symbol → the hold of its feed's gap, while one is open. */
  readonly #held = new Map<string, Backfill>();
  #backfills: Promise<void> = Promise.resolve();

  constructor(options: MarketDataServiceOptions) {
    this.#options = options;
    this.staleGuard = new StaleGuard(options.staleAfterMs);
    for (const symbol of options.symbols)
      this.staleGuard.track(symbol, options.staleAfterMsBySymbol?.[symbol]);
    this.#tradeBarSymbols = new Set(options.tradeBarSymbols ?? []);
    for (const symbol of [...(options.feedBarSymbols ?? []), ...this.#tradeBarSymbols])
      this.#bars.set(symbol, new BarSeries(symbol));
  }

  // ---- queries (strategy, risk, operator API) ----

  isStale(symbol: string, nowUs: number): boolean {
    return this.staleGuard.isStale(symbol, nowUs);
  }

  freshness(symbol: string, nowUs: number): Freshness {
    return this.staleGuard.freshness(symbol, nowUs);
  }

  topOfBook(symbol: string): TopOfBook | undefined {
    return this.#tops.get(symbol)?.top;
  }

  orderBook(symbol: string): OrderBook | undefined {
    return this.#books.get(symbol);
  }

  bars(symbol: string): BarSeries | undefined {
    return this.#bars.get(symbol);
  }

  dailyBar(symbol: string): Bar | undefined {
    return this.#dailyBars.get(symbol);
  }

  /** Trades dropped because the feed delivered them twice. */
  get duplicateTrades(): number {
    return this.#recentTrades.duplicates;
  }

  /** Resolves when every backfill started so far has finished (tests, orderly shutdown). */
  async settled(): Promise<void> {
    await this.#backfills;
  }

  /**
   * Before the feeds start: the minute bars of the last day (what a series holds), from the
   * venue's history, into the bar series only, so an engine started now reads the same windows as
   * one that has run all along (just after midnight New York, that includes the day before).
   * Strategies and the signal path hear only bars that close from now on (a decision on an old bar
   * would trade on a stale price). Answers how many bars it took; 0 without history or when the
   * venue did not answer (the engine then starts cold, as before).
   */
  async warmUp(nowUs: number): Promise<number> {
    const history = this.#options.history;
    const symbols = (this.#options.feedBarSymbols ?? []).filter(
      (symbol) => !this.#tradeBarSymbols.has(symbol),
    );
    if (history === undefined || symbols.length === 0) return 0;
    const lastCompleteUs = minuteStartUs(nowUs) - MINUTE_US;
    const firstUs = lastCompleteUs - (BAR_SERIES_CAPACITY - 1) * MINUTE_US;
    const result = await history.fetchMinuteBars(symbols, firstUs, lastCompleteUs);
    if (!this.#succeeded(result, 'warm-up bars')) return 0;
    let taken = 0;
    for (const bar of result.items.sort((a, b) => a.startUs - b.startUs)) {
      const acceptance = this.#bars.get(bar.symbol)?.accept(bar);
      if (acceptance !== undefined && acceptance !== 'duplicate') taken++;
    }
    return taken;
  }

  /** Closes trade-built bars whose minute has ended; the owner calls it on a timer. */
  closeTradeBars(nowUs: number): void {
    for (const bar of this.#tradeBars.closeBefore(nowUs)) this.#acceptBar(bar);
  }

  // ---- feed listener ----

  onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      switch (message.type) {
        case 'quote': {
          let target = this.#tops.get(message.symbol);
          if (target === undefined) {
            target = {
              top: new TopOfBook(message.symbol),
              staleSlot: this.staleGuard.slotOf(message.symbol),
            };
            this.#tops.set(message.symbol, target);
          }
          target.top.applyQuote(message);
          this.staleGuard.touchSlot(target.staleSlot, message.timestampUs, receivedUs);
          break;
        }
        case 'orderbook': {
          let book = this.#books.get(message.symbol);
          if (book === undefined) {
            book = new OrderBook(message.symbol);
            this.#books.set(message.symbol, book);
          }
          book.apply(message);
          this.staleGuard.touch(message.symbol, message.timestampUs, receivedUs);
          break;
        }
        case 'trade': {
          this.staleGuard.touch(message.symbol, message.timestampUs, receivedUs);
          if (!this.#recentTrades.isNew(message.symbol, message.id, message.timestampUs)) break;
          const held = this.#held.size === 0 ? undefined : this.#held.get(message.symbol);
          if (held !== undefined && this.#tradeBarSymbols.has(message.symbol)) held.trades.push(message);
          else this.#onTrade(message);
          break;
        }
        case 'bar': {
          // A bar's time is its minute's start; as data it is current as of the minute's end.
          this.staleGuard.touch(message.symbol, message.startUs + MINUTE_US, receivedUs);
          if (message.kind === 'daily') {
            this.#dailyBars.set(message.symbol, message);
            break;
          }
          const held = this.#held.get(message.symbol);
          if (held !== undefined) held.bars.push(message);
          else this.#acceptBar(message);
          break;
        }
        case 'status':
        case 'luld':
          this.staleGuard.touch(message.symbol, message.timestampUs, receivedUs);
          break;
      }
    }
  }

  onStateChange(state: ConnectionState, previous: ConnectionState, symbols = this.#options.symbols): void {
    // Lost or stale: either way data may be missing from the last data received on.
    if (previous !== 'ready' || state === 'ready') return;
    this.staleGuard.beginGap(symbols);
    // Hold live bars and trades from the moment of the loss until the backfill has run.
    const hold: Backfill = { bars: [], trades: [] };
    for (const symbol of symbols) if (!this.#held.has(symbol)) this.#held.set(symbol, hold);
  }

  onResumed(gap: FeedGap, symbols = this.#options.symbols): void {
    this.#options.logger?.warn(
      { gapStartUs: gap.startUs, gapEndUs: gap.endUs, gapSeconds: (gap.endUs - gap.startUs) / 1e6 },
      'market-data gap: backfilling',
    );
    this.#backfills = this.#backfills.then(() => this.#runBackfill(gap, symbols));
  }

  // ---- internals ----

  #onTrade(trade: Trade): void {
    const last = this.#lastTradeUs.get(trade.symbol);
    if (last === undefined || trade.timestampUs > last)
      this.#lastTradeUs.set(trade.symbol, trade.timestampUs);
    this.#options.onTrade?.(trade);
    if (!this.#tradeBarSymbols.has(trade.symbol)) return;
    for (const bar of this.#tradeBars.addTrade(trade)) this.#acceptBar(bar);
  }

  #acceptBar(bar: Bar): void {
    const series = this.#bars.get(bar.symbol);
    if (series === undefined) return;
    const acceptance = series.accept(bar);
    if (acceptance !== 'duplicate') this.#options.onBar?.(bar, acceptance);
  }

  async #runBackfill(gap: FeedGap, symbols: readonly string[]): Promise<void> {
    const feed: ReadonlySet<string> = new Set(symbols);
    const holds = [...new Set(symbols.map((symbol) => this.#held.get(symbol)))].filter(
      (hold) => hold !== undefined,
    );
    const history = this.#options.history;
    try {
      if (history !== undefined) {
        // Only completed minutes: the minute in progress arrives live when it closes.
        const lastCompleteUs = minuteStartUs(gap.endUs) - MINUTE_US;
        await this.#backfillFeedBars(history, gap, lastCompleteUs, feed);
        await this.#backfillTrades(history, gap, holds, feed);
      }
    } finally {
      for (const symbol of symbols) this.#held.delete(symbol);
      for (const hold of holds) for (const trade of hold.trades) this.#onTrade(trade);
      for (const hold of holds) for (const bar of hold.bars) this.#acceptBar(bar);
    }
  }

  async #backfillFeedBars(
    history: MarketDataHistory,
    gap: FeedGap,
    lastCompleteUs: number,
    feed: ReadonlySet<string>,
  ): Promise<void> {
    const symbols = (this.#options.feedBarSymbols ?? []).filter(
      (symbol) => feed.has(symbol) && !this.#tradeBarSymbols.has(symbol),
    );
    if (symbols.length === 0) return;
    // From the minute after the latest bar held (or the gap's first minute when none is).
    let fromUs = Number.POSITIVE_INFINITY;
    for (const symbol of symbols) {
      const latest = this.#bars.get(symbol)?.latest;
      const from = latest === undefined ? minuteStartUs(gap.startUs) : latest.startUs + MINUTE_US;
      if (from < fromUs) fromUs = from;
    }
    if (fromUs > lastCompleteUs) return;
    const result = await history.fetchMinuteBars(symbols, fromUs, lastCompleteUs);
    if (!this.#succeeded(result, 'bars')) return;
    this.#options.metrics.backfilledBars += result.items.length;
    for (const bar of result.items.sort((a, b) => a.startUs - b.startUs)) this.#acceptBar(bar);
  }

  async #backfillTrades(
    history: MarketDataHistory,
    gap: FeedGap,
    holds: readonly Backfill[],
    feed: ReadonlySet<string>,
  ): Promise<void> {
    const symbols = [...this.#tradeBarSymbols].filter((symbol) => feed.has(symbol));
    if (symbols.length === 0) return;
    const result = await history.fetchTrades(symbols, minuteStartUs(gap.startUs), gap.endUs);
    if (!this.#succeeded(result, 'trades')) return;
    // Keep only trades strictly between the last one seen before the gap and the first one held after it.
    const firstHeldUs = new Map<string, number>();
    for (const hold of holds)
      for (const trade of hold.trades)
        if (!firstHeldUs.has(trade.symbol)) firstHeldUs.set(trade.symbol, trade.timestampUs);
    const missed = result.items
      .filter(
        (trade) =>
          trade.timestampUs > (this.#lastTradeUs.get(trade.symbol) ?? Number.NEGATIVE_INFINITY) &&
          trade.timestampUs < (firstHeldUs.get(trade.symbol) ?? Number.POSITIVE_INFINITY),
      )
      .sort((a, b) => a.timestampUs - b.timestampUs);
    for (const trade of missed) this.#onTrade(trade);
  }

  #succeeded<T>(result: HistoryResult<T>, what: string): result is { ok: true; items: T[] } {
    if (result.ok) return true;
    this.#options.metrics.backfillFailures++;
    this.#options.logger?.error(
      { reason: result.reason, status: result.status },
      `market-data ${what} backfill failed`,
    );
    return false;
  }
}
