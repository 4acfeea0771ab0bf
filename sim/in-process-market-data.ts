/**
 * The market-data side of the venue port over the simulated market, in the caller's process: a
 * MarketDataFeed that hands the market's events to a MarketDataListener as the port's domain
 * messages, and a MarketDataHistory over the market's recorded history. No socket, no JSON, no
 * wire rendering: each event is mapped field by field into one domain object (what the Alpaca
 * adapter's decoder makes of the same event's frame) and delivered synchronously, in the market's
 * order, while the venue's `advanceTo` (or a control such as setQuote) runs it.
 *
 * What a listener sees is what the Alpaca adapter delivers from the HTTP simulator's stream for
 * the same events (test/venue/market-data-contract.ts holds both to it): the wire-only fields
 * (exchanges, conditions, tape, nanoseconds) are dropped; stock trades carry no taker side
 * (`unknown`, as Alpaca's stock trade messages have none); a crypto order book subscription starts
 * with a full snapshot; bars are labelled with their minute's (or day's) start. A feed has no
 * connection to lose: `idle` → `ready` on start → `stopped`, and never a gap.
 */

import type { FeedSubscription } from '../shared/broker/alpaca/market-data/feed-client.ts';
import type { Bar, Trade } from '../shared/domain/market-data.ts';
import { isCryptoSymbol } from '../shared/domain/symbol.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { ConnectionState } from '../shared/venue/connection-state.ts';
import { type FeedMetrics, MessageKindIndex } from '../shared/venue/feed-metrics.ts';
import type {
  BarMessage,
  HistoryResult,
  MarketDataFeed,
  MarketDataHistory,
  MarketDataListener,
  MarketDataMessage,
} from '../shared/venue/market-data-feed.ts';
import type { SimMarket } from './market/market.ts';
import type { SimBar, SimLuld, SimOrderBook, SimQuote, SimStatus, SimTrade } from './market/market-events.ts';

export interface InProcessFeedOptions {
  /** Channels and symbols as Alpaca's subscribe action names them ('*': every symbol). */
  readonly subscription: FeedSubscription;
  readonly listener: MarketDataListener;
  /** Counts messages and feed lag as the Alpaca adapter does. */
  readonly metrics?: FeedMetrics;
}

/** One bit per channel: a symbol's subscriptions are one number, tested per event. */
const CHANNEL_BITS = {
  trades: 1,
  quotes: 2,
  bars: 4,
  updatedBars: 8,
  dailyBars: 16,
  statuses: 32,
  lulds: 64,
  orderbooks: 128,
} as const satisfies Record<keyof FeedSubscription, number>;
const BAR_BITS = {
  minute: CHANNEL_BITS.bars,
  updated: CHANNEL_BITS.updatedBars,
  daily: CHANNEL_BITS.dailyBars,
};

const QUOTE = MessageKindIndex.quote;
const TRADE = MessageKindIndex.trade;
const BAR = MessageKindIndex.bar;
const ORDERBOOK = MessageKindIndex.orderbook;
const STATUS = MessageKindIndex.status;
const LULD = MessageKindIndex.luld;

export class InProcessMarketDataFeed implements MarketDataFeed {
  readonly #market: SimMarket;
  readonly #clock: Clock;
  readonly #listener: MarketDataListener;
  readonly #metrics: FeedMetrics | undefined;
  readonly #channels = new Map<string, number>();
  readonly #wildcard: number;
  /** The one-message batch handed to the listener, reused (the port says: read it, do not keep it). */
  readonly #batch: MarketDataMessage[] = [];
  #unsubscribe: (() => void)[] = [];
  #state: ConnectionState = 'idle';

  constructor(market: SimMarket, clock: Clock, options: InProcessFeedOptions) {
    this.#market = market;
    this.#clock = clock;
    this.#listener = options.listener;
    this.#metrics = options.metrics;
    let wildcard = 0;
    for (const [channel, bit] of Object.entries(CHANNEL_BITS)) {
      for (const symbol of options.subscription[channel as keyof FeedSubscription] ?? []) {
        if (symbol === '*') wildcard |= bit;
        else this.#channels.set(symbol, (this.#channels.get(symbol) ?? 0) | bit);
      }
    }
    this.#wildcard = wildcard;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    const market = this.#market;
    this.#unsubscribe = [
      market.onQuote((quote) => this.#onQuote(quote)),
      market.onTrade((trade) => this.#onTrade(trade)),
      market.onBar((bar) => this.#onBar(bar)),
      market.onStatus((status) => this.#onStatus(status)),
      market.onLuld((luld) => this.#onLuld(luld)),
      market.onOrderBook((book) => this.#onOrderBook(book, false)),
    ];
    this.#setState('ready', 'started: the market is in process');
    // As on Alpaca, an order book subscription starts with the full book.
    for (const symbol of this.#bookSymbols()) {
      const snapshot = market.orderBookSnapshot(symbol);
      if (snapshot !== undefined) this.#onOrderBook(snapshot, true);
    }
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#setState('stopped', 'stopped by the caller');
  }

  #setState(state: ConnectionState, reason: string): void {
    const previous = this.#state;
    this.#state = state;
    this.#listener.onStateChange?.(state, previous, reason);
  }

  /** The pairs whose order books are subscribed (books exist for crypto only). */
  #bookSymbols(): readonly string[] {
    const bit = CHANNEL_BITS.orderbooks;
    if ((this.#wildcard & bit) !== 0) return this.#market.symbols.filter(isCryptoSymbol);
    return [...this.#channels].filter(([, bits]) => (bits & bit) !== 0).map(([symbol]) => symbol);
  }

  #wants(symbol: string, bit: number): boolean {
    return (((this.#channels.get(symbol) ?? 0) | this.#wildcard) & bit) !== 0;
  }

  /** When the market emits: its own instant, or the clock's when a control ran between steps. */
  #receivedUs(): number {
    return Math.max(this.#market.nowUs(), this.#clock.nowUs());
  }

  #deliver(message: MarketDataMessage, kind: number, timestampUs: number | undefined): void {
    const receivedUs = this.#receivedUs();
    const metrics = this.#metrics;
    if (metrics !== undefined) {
      metrics.messages[kind]!++;
      if (timestampUs !== undefined) metrics.recordLag(receivedUs - timestampUs);
    }
    const batch = this.#batch;
    if (batch.length > 0) {
      // A listener that moved the market from inside onData: this event gets an array of its own.
      this.#listener.onData([message], receivedUs);
      return;
    }
    batch.push(message);
    try {
      this.#listener.onData(batch, receivedUs);
    } finally {
      batch.pop();
    }
  }

  #onQuote(quote: SimQuote): void {
    if (!this.#wants(quote.symbol, CHANNEL_BITS.quotes)) return;
    this.#deliver(
      {
        type: 'quote',
        symbol: quote.symbol,
        bidPrice: quote.bidPrice,
        bidSize: quote.bidSize,
        askPrice: quote.askPrice,
        askSize: quote.askSize,
        timestampUs: quote.timestampUs,
      },
      QUOTE,
      quote.timestampUs,
    );
  }

  #onTrade(trade: SimTrade): void {
    if (!this.#wants(trade.symbol, CHANNEL_BITS.trades)) return;
    this.#deliver(
      {
        type: 'trade',
        symbol: trade.symbol,
        id: trade.id,
        price: trade.price,
        size: trade.size,
        timestampUs: trade.timestampUs,
        takerSide: isCryptoSymbol(trade.symbol) ? trade.takerSide : 'unknown',
      },
      TRADE,
      trade.timestampUs,
    );
  }

  #onBar(bar: SimBar): void {
    if (!this.#wants(bar.symbol, BAR_BITS[bar.kind])) return;
    this.#deliver(barMessage(bar, bar.kind), BAR, undefined);
  }

  #onStatus(status: SimStatus): void {
    if (!this.#wants(status.symbol, CHANNEL_BITS.statuses)) return;
    this.#deliver(
      {
        type: 'status',
        symbol: status.symbol,
        statusCode: status.statusCode,
        statusMessage: status.statusMessage,
        reasonCode: status.reasonCode,
        reasonMessage: status.reasonMessage,
        timestampUs: status.timestampUs,
      },
      STATUS,
      status.timestampUs,
    );
  }

  #onLuld(luld: SimLuld): void {
    if (!this.#wants(luld.symbol, CHANNEL_BITS.lulds)) return;
    this.#deliver(
      {
        type: 'luld',
        symbol: luld.symbol,
        limitUp: luld.limitUp,
        limitDown: luld.limitDown,
        indicator: luld.indicator,
        timestampUs: luld.timestampUs,
      },
      LULD,
      luld.timestampUs,
    );
  }

  #onOrderBook(book: SimOrderBook, reset: boolean): void {
    if (!this.#wants(book.symbol, CHANNEL_BITS.orderbooks)) return;
    this.#deliver(
      {
        type: 'orderbook',
        symbol: book.symbol,
        reset,
        bids: book.bids,
        asks: book.asks,
        timestampUs: book.timestampUs,
      },
      ORDERBOOK,
      book.timestampUs,
    );
  }
}

/** A trade as Alpaca's history gives it: stocks without a taker side (as in the feed above). */
function domainTrade(trade: SimTrade): Trade {
  return {
    symbol: trade.symbol,
    id: trade.id,
    price: trade.price,
    size: trade.size,
    timestampUs: trade.timestampUs,
    takerSide: isCryptoSymbol(trade.symbol) ? trade.takerSide : 'unknown',
  };
}

/** A recorded bar as the port's message (the feed's, and history's without its `type`). */
function barMessage(bar: SimBar, kind: Bar['kind']): BarMessage {
  return {
    type: 'bar',
    symbol: bar.symbol,
    kind,
    startUs: bar.startUs,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    tradeCount: bar.tradeCount,
    vwap: bar.vwap,
  };
}

/**
 * Gap backfill and warm-up from what the market has recorded: the same minute bars and trades the
 * HTTP simulator's market-data REST serves (bounded the same way: ~70 days of minute bars, the
 * last `historyCapacity` trades per symbol), read straight from its history without paging.
 * A corrected minute comes back as it stands now, as a `minute` bar.
 */
export class InProcessMarketDataHistory implements MarketDataHistory {
  readonly #market: SimMarket;

  constructor(market: SimMarket) {
    this.#market = market;
  }

  async fetchMinuteBars(
    symbols: readonly string[],
    fromUs: number,
    toUs: number,
  ): Promise<HistoryResult<Bar>> {
    const items: Bar[] = [];
    for (const symbol of symbols) {
      const minute = this.#market.history.bars(symbol)?.minute ?? [];
      let low = 0;
      let high = minute.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (minute[middle]!.startUs < fromUs) low = middle + 1;
        else high = middle;
      }
      for (let i = low; i < minute.length && minute[i]!.startUs <= toUs; i++) {
        // History answers plain bars, as the adapter's REST client does (off the hot path).
        const { type: _message, ...bar } = barMessage(minute[i]!, 'minute');
        items.push(bar);
      }
    }
    return { ok: true, items };
  }

  async fetchTrades(symbols: readonly string[], fromUs: number, toUs: number): Promise<HistoryResult<Trade>> {
    const items: Trade[] = [];
    for (const symbol of symbols) {
      const ring = this.#market.history.trades(symbol);
      if (ring === undefined) continue;
      const page = ring.query({ startUs: fromUs, endUs: toUs, sort: 'asc', limit: Number.POSITIVE_INFINITY });
      for (const { item } of page.items) items.push(domainTrade(item));
    }
    return { ok: true, items };
  }
}
