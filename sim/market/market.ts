/**
 * The simulated market: per-symbol price processes that emit quotes, trades, minute/updated/daily
 * bars, trading statuses, LULD bands and crypto order books, deterministically from the seed.
 *
 * Time: the market owns a timeline of event slots spaced 1/messagesPerSecond apart from its
 * origin (the clock's time at creation). `advanceTo(ms)` emits every slot and every scheduled
 * minute event up to that instant, so a backtest on a virtual clock gets the same bytes for the
 * same seed; `start()` does the same from a timer against wall time.
 */
import type { ClosedDates } from '../closed-dates.ts';
import type { SimContext } from '../context.ts';
import type { BarHistory } from './bar-history.ts';
import type {
  MarketListeners,
  SimBar,
  SimLuld,
  SimOrderBook,
  SimQuote,
  SimStatus,
  SimTrade,
} from './market-events.ts';
import { type MinuteActivity, minuteActivity } from './minute-activity.ts';
import { Prng } from './prng.ts';
import type { QuoteSource } from './quote-source.ts';
import { SymbolState } from './symbol-state.ts';
import { symbolTraits } from './symbol-traits.ts';
import type { QuoteHistory, TradeHistory } from './tick-history.ts';

export type MarketResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface ExplicitQuote {
  readonly bidPrice: number;
  readonly askPrice: number;
  readonly bidSize?: number;
  readonly askSize?: number;
}

export interface ExplicitTrade {
  readonly price: number;
  readonly size: number;
  /** Crypto only (stock trades carry no taker side on Alpaca's feed). Default 'buy'. */
  readonly takerSide?: 'buy' | 'sell';
}

export interface ExplicitLuld {
  readonly limitUp: number;
  readonly limitDown: number;
  readonly indicator?: string;
}

export interface MarketHistory {
  trades(symbol: string): TradeHistory | undefined;
  quotes(symbol: string): QuoteHistory | undefined;
  bars(symbol: string): BarHistory | undefined;
}

export interface SimMarket extends QuoteSource {
  readonly symbols: readonly string[];
  latestQuote(symbol: string): SimQuote | undefined;
  latestTrade(symbol: string): SimTrade | undefined;
  onQuote(listener: (quote: SimQuote) => void): () => void;
  onTrade(listener: (trade: SimTrade) => void): () => void;
  /** Minute ('b'), updated ('u') and daily ('d') bars. */
  onBar(listener: (bar: SimBar) => void): () => void;
  onStatus(listener: (status: SimStatus) => void): () => void;
  onLuld(listener: (luld: SimLuld) => void): () => void;
  /** Crypto book deltas; take `orderBookSnapshot` first for the full book. */
  onOrderBook(listener: (book: SimOrderBook) => void): () => void;
  orderBookSnapshot(symbol: string): SimOrderBook | undefined;
  latestDailyBar(symbol: string): SimBar | undefined;
  previousDailyBar(symbol: string): SimBar | undefined;
  readonly history: MarketHistory;
  /** The market's current time in epoch µs: the last instant it has emitted up to. */
  nowUs(): number;
  /** Wall-clock mode: emit from a timer until stop(). */
  start(): void;
  stop(): void;
  /** Virtual-clock mode: emit everything up to and including this instant. */
  advanceTo(ms: number): void;
  /** Publishes a quote now; `hold` freezes the symbol's generator until `releaseQuote`. */
  setQuote(symbol: string, quote: ExplicitQuote, options?: { readonly hold?: boolean }): MarketResult;
  releaseQuote(symbol: string): MarketResult;
  /**
   * Prints a trade now, folded into the minute and daily bars like a generated one, so a scripted
   * market closes minutes with bars (and sends the automatic LULD bands) too.
   */
  printTrade(symbol: string, trade: ExplicitTrade): MarketResult;
  halt(symbol: string): MarketResult;
  resume(symbol: string): MarketResult;
  setLuld(symbol: string, bands: ExplicitLuld): MarketResult;
  /**
   * Virtual-clock replay: the source's events are published by advanceTo in time order with
   * the generated slots and the scheduled bars. Returns a function that detaches it.
   */
  addSource(source: TimedEventSource): () => void;
  /** Replay: publish recorded messages through the same listeners and history. */
  publish: {
    quote(quote: SimQuote): void;
    trade(trade: SimTrade): void;
    bar(bar: SimBar): void;
    status(status: SimStatus): void;
    luld(luld: SimLuld): void;
    orderBook(book: SimOrderBook): void;
  };
}

/** Events from outside the generator (a replay file) that advanceTo interleaves by time. */
export interface TimedEventSource {
  /** Epoch µs of the next event, or undefined when exhausted. */
  nextUs(): number | undefined;
  /** Publishes the next event into the market (through `market.publish`). */
  emitNext(market: SimMarket): void;
}

export interface MarketOptions {
  /** Trades and quotes kept per symbol for the historical REST endpoints. */
  readonly historyCapacity?: number;
  /** Generate data; false for a market fed only by replay or explicit quotes. */
  readonly generate?: boolean;
  /** Wall-clock mode's timer period. */
  readonly tickMs?: number;
  /** Dates on which stocks do not trade (one-off closures), read each minute. */
  readonly closedDates?: ClosedDates;
  /**
   * Minutes of market generated before the clock's time at creation, so the historical endpoints
   * have a past to serve (an engine warms its indicators from it). The caller runs them with
   * `advanceTo(now)` before anyone listens.
   */
  readonly historyMinutes?: number;
}

const US_PER_MINUTE = 60_000_000;
/** Alpaca sends minute bars 20–100 ms after the minute closes. */
const BAR_DELAY_US = 50_000;
/** Updated bars go out just after the :30 mark. */
const UPDATED_BAR_OFFSET_US = 30_000_000 + BAR_DELAY_US;
/** After a stall longer than this (a debugger, a suspended laptop) wall mode skips ahead instead of bursting. */
const MAX_CATCH_UP_US = 1_000_000;
/**
 * The densest a generated past gets, in messages per second: its purpose is bars and a tape to
 * warm indicators from, and two hours at a soak's 20,000 messages/s would be 144 million
 * messages to generate before the simulator listens (over a minute of start-up).
 */
const HISTORY_MAX_RATE = 1_000;
const LULD_BAND = 0.05;
const LULD_RECALC_MOVE = 0.01;
const TOUCH_SPREAD = 0.00005;
const NO_SOURCE: [undefined, number] = [undefined, Number.POSITIVE_INFINITY];
const BASE_TRADE_SHARE = 0.12;
const LATE_TRADE_SHARE = 0.002;
const QUOTE_CONDITIONS: readonly string[] = Object.freeze(['R']);
const ROUND_LOT_CONDITIONS: readonly string[] = Object.freeze(['@']);
const ODD_LOT_CONDITIONS: readonly string[] = Object.freeze(['@', 'I']);
const LATE_CONDITIONS: readonly string[] = Object.freeze(['@', 'Z']);
const NO_CONDITIONS: readonly string[] = Object.freeze([]);

function subscribe<T>(list: T[], listener: T): () => void {
  list.push(listener);
  return () => {
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
  };
}

export function createMarket(context: SimContext, options: MarketOptions = {}): SimMarket {
  return new GeneratedMarket(context, options);
}

class GeneratedMarket implements SimMarket {
  readonly #symbols: string[];
  readonly #context: SimContext;
  readonly #prng: Prng;
  readonly #states: SymbolState[];
  readonly #bySymbol = new Map<string, SymbolState>();
  readonly #listeners: MarketListeners = {
    quote: [],
    trade: [],
    bar: [],
    status: [],
    luld: [],
    orderBook: [],
  };
  readonly #generate: boolean;
  readonly #closedDates: ClosedDates | undefined;
  readonly #sources: TimedEventSource[] = [];
  readonly #tickMs: number;
  /** Event slot spacing in nanoseconds (Infinity when the rate is 0). */
  #intervalNs: number;
  #jitterRangeNs: number;
  /** The spacing the live market runs at; a generated past may run sparser (HISTORY_MAX_RATE). */
  readonly #liveIntervalNs: number;
  #originUs: number;
  #slot = 0;
  #nowUs: number;
  #activity: MinuteActivity;
  #activityMinuteUs: number;
  /** When the minute that is open now gets its bars sent. */
  #nextBarEmitUs: number;
  #nextUpdatedEmitUs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(context: SimContext, options: MarketOptions) {
    this.#context = context;
    this.#symbols = [...context.symbols];
    this.#prng = new Prng(context.seed);
    this.#generate = options.generate ?? true;
    this.#tickMs = options.tickMs ?? 1;
    const capacity = options.historyCapacity ?? 65_536;
    this.#states = this.#symbols.map((symbol, index) => {
      const state = new SymbolState(
        symbolTraits(symbol, context.seed),
        capacity,
        context.seed + index * 7919,
      );
      this.#bySymbol.set(symbol, state);
      return state;
    });
    this.#liveIntervalNs =
      context.messagesPerSecond > 0 ? 1e9 / context.messagesPerSecond : Number.POSITIVE_INFINITY;
    this.#intervalNs =
      (options.historyMinutes ?? 0) > 0
        ? Math.max(this.#liveIntervalNs, 1e9 / HISTORY_MAX_RATE)
        : this.#liveIntervalNs;
    this.#jitterRangeNs = jitterRange(this.#intervalNs);
    this.#originUs = context.clock.nowUs() - (options.historyMinutes ?? 0) * US_PER_MINUTE;
    this.#nowUs = this.#originUs;
    this.#activityMinuteUs = Math.floor(this.#originUs / US_PER_MINUTE) * US_PER_MINUTE;
    this.#closedDates = options.closedDates;
    this.#activity = minuteActivity(this.#activityMinuteUs / 1000, context.sessionHours, this.#closedDates);
    this.#nextBarEmitUs = this.#activityMinuteUs + US_PER_MINUTE + BAR_DELAY_US;
    this.#nextUpdatedEmitUs = this.#activityMinuteUs + UPDATED_BAR_OFFSET_US;
    if (this.#nextUpdatedEmitUs <= this.#originUs) this.#nextUpdatedEmitUs += US_PER_MINUTE;
    for (const state of this.#states) this.#seedQuote(state);
  }

  /** The generated symbols, then any a replay introduced. */
  get symbols(): readonly string[] {
    return this.#symbols;
  }

  readonly history: MarketHistory = {
    trades: (symbol) => this.#bySymbol.get(symbol)?.trades,
    quotes: (symbol) => this.#bySymbol.get(symbol)?.quotes,
    bars: (symbol) => this.#bySymbol.get(symbol)?.bars,
  };

  readonly publish: SimMarket['publish'] = {
    quote: (quote) => this.#emitQuote(this.#stateFor(quote.symbol), quote),
    trade: (trade) => this.#emitTrade(this.#stateFor(trade.symbol), trade),
    bar: (bar) => this.#emitBar(this.#stateFor(bar.symbol), bar),
    status: (status) => this.#emitStatus(status),
    luld: (luld) => this.#emitLuld(luld),
    orderBook: (book) => this.#emitOrderBook(book),
  };

  latestQuote(symbol: string): SimQuote | undefined {
    return this.#bySymbol.get(symbol)?.lastQuote;
  }

  latestTrade(symbol: string): SimTrade | undefined {
    return this.#bySymbol.get(symbol)?.lastTrade;
  }

  latestDailyBar(symbol: string): SimBar | undefined {
    return this.#bySymbol.get(symbol)?.bars.daily.at(-1);
  }

  previousDailyBar(symbol: string): SimBar | undefined {
    return this.#bySymbol.get(symbol)?.bars.daily.at(-2);
  }

  onQuote(listener: (quote: SimQuote) => void): () => void {
    return subscribe(this.#listeners.quote, listener);
  }

  onTrade(listener: (trade: SimTrade) => void): () => void {
    return subscribe(this.#listeners.trade, listener);
  }

  onBar(listener: (bar: SimBar) => void): () => void {
    return subscribe(this.#listeners.bar, listener);
  }

  onStatus(listener: (status: SimStatus) => void): () => void {
    return subscribe(this.#listeners.status, listener);
  }

  onLuld(listener: (luld: SimLuld) => void): () => void {
    return subscribe(this.#listeners.luld, listener);
  }

  onOrderBook(listener: (book: SimOrderBook) => void): () => void {
    return subscribe(this.#listeners.orderBook, listener);
  }

  orderBookSnapshot(symbol: string): SimOrderBook | undefined {
    const state = this.#bySymbol.get(symbol);
    if (state?.book === undefined) return undefined;
    const { bids, asks } = state.book.snapshot();
    const quote = state.lastQuote;
    return {
      symbol,
      reset: true,
      bids,
      asks,
      timestampUs: quote?.timestampUs ?? this.#nowUs,
      nanos: quote?.nanos ?? 0,
    };
  }

  nowUs(): number {
    return this.#nowUs;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    const tick = (): void => {
      const targetUs = this.#context.clock.nowUs();
      const behindUs = targetUs - this.#nextSlotUs();
      if (behindUs > MAX_CATCH_UP_US) this.#skipSlotsTo(targetUs);
      this.advanceTo(targetUs / 1000);
    };
    if (this.#slot === 0 || this.#intervalNs !== this.#liveIntervalNs) {
      // Start the timeline now rather than at creation, so starting late does not burst; after a
      // generated past, the live rate starts here.
      this.#originUs = Math.max(this.#context.clock.nowUs(), this.#nowUs);
      this.#slot = 0;
      this.#intervalNs = this.#liveIntervalNs;
      this.#jitterRangeNs = jitterRange(this.#intervalNs);
    }
    this.#timer = setInterval(tick, this.#tickMs);
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  advanceTo(ms: number): void {
    const targetUs = Math.floor(ms * 1000);
    if (targetUs <= this.#nowUs) return;
    for (;;) {
      const slotUs = this.#generate ? this.#nextSlotUs() : Number.POSITIVE_INFINITY;
      const scheduledUs = Math.min(this.#nextBarEmitUs, this.#nextUpdatedEmitUs);
      const [source, sourceUs] = this.#sources.length === 0 ? NO_SOURCE : this.#nextSource();
      if (source !== undefined && sourceUs <= targetUs && sourceUs <= slotUs && sourceUs < scheduledUs) {
        this.#nowUs = Math.max(this.#nowUs, sourceUs);
        source.emitNext(this);
        continue;
      }
      if (scheduledUs <= targetUs && scheduledUs <= slotUs) {
        this.#nowUs = scheduledUs;
        if (scheduledUs === this.#nextBarEmitUs) this.#closeMinute();
        else this.#sendUpdatedBars();
        continue;
      }
      if (slotUs > targetUs) break;
      this.#runSlot();
    }
    this.#nowUs = targetUs;
  }

  addSource(source: TimedEventSource): () => void {
    return subscribe(this.#sources, source);
  }

  /** The attached source with the earliest next event (ties go to the one attached first). */
  #nextSource(): [TimedEventSource | undefined, number] {
    let best: TimedEventSource | undefined;
    let bestUs = Number.POSITIVE_INFINITY;
    for (const source of this.#sources) {
      const us = source.nextUs();
      if (us !== undefined && us < bestUs) {
        best = source;
        bestUs = us;
      }
    }
    return [best, bestUs];
  }

  setQuote(symbol: string, quote: ExplicitQuote, options: { readonly hold?: boolean } = {}): MarketResult {
    const state = this.#bySymbol.get(symbol);
    if (state === undefined) return unknownSymbol(symbol);
    const invalid = validateQuote(quote);
    if (invalid !== undefined) return { ok: false, reason: invalid };
    if (options.hold !== undefined) state.held = options.hold;
    state.mid = (quote.bidPrice + quote.askPrice) / 2;
    const nowUs = this.#adminNowUs();
    this.#publishQuote(
      state,
      quote.bidPrice,
      quote.bidSize ?? state.lastQuote?.bidSize ?? 1,
      quote.askPrice,
      quote.askSize ?? state.lastQuote?.askSize ?? 1,
      nowUs,
      0,
    );
    return { ok: true };
  }

  releaseQuote(symbol: string): MarketResult {
    const state = this.#bySymbol.get(symbol);
    if (state === undefined) return unknownSymbol(symbol);
    state.held = false;
    return { ok: true };
  }

  printTrade(symbol: string, explicit: ExplicitTrade): MarketResult {
    const state = this.#bySymbol.get(symbol);
    if (state === undefined) return unknownSymbol(symbol);
    const { price, size } = explicit;
    if (!(Number.isFinite(price) && price > 0 && Number.isFinite(size) && size > 0))
      return { ok: false, reason: 'price and size must be positive numbers' };
    const traits = state.traits;
    const nowUs = this.#adminNowUs();
    // The clock may be ahead of the market (admin calls between steps): bars follow the trade's minute.
    if (nowUs >= this.#activityMinuteUs + US_PER_MINUTE) this.#refreshActivity(nowUs);
    const trade: SimTrade = {
      symbol,
      id: state.nextTradeId++,
      price,
      size,
      timestampUs: nowUs,
      nanos: 0,
      takerSide: explicit.takerSide ?? 'buy',
      exchange: traits.crypto ? '' : traits.exchanges[0]!,
      conditions: traits.crypto
        ? NO_CONDITIONS
        : size % 100 === 0
          ? ROUND_LOT_CONDITIONS
          : ODD_LOT_CONDITIONS,
      tape: traits.tape,
    };
    this.#recordTradeInBars(state, trade);
    this.#emitTrade(state, trade);
    return { ok: true };
  }

  halt(symbol: string): MarketResult {
    return this.#setHalted(symbol, true);
  }

  resume(symbol: string): MarketResult {
    return this.#setHalted(symbol, false);
  }

  setLuld(symbol: string, bands: ExplicitLuld): MarketResult {
    const state = this.#bySymbol.get(symbol);
    if (state === undefined) return unknownSymbol(symbol);
    if (state.traits.crypto)
      return { ok: false, reason: `${symbol} is a crypto pair; LULD bands apply to stocks` };
    if (!(bands.limitDown > 0 && bands.limitUp > bands.limitDown)) {
      return { ok: false, reason: 'limitUp must be greater than limitDown, and both positive' };
    }
    state.manualLuld = true;
    this.#emitLuld({
      symbol,
      limitUp: bands.limitUp,
      limitDown: bands.limitDown,
      indicator: bands.indicator ?? 'B',
      timestampUs: this.#adminNowUs(),
      nanos: 0,
      tape: state.traits.tape,
    });
    return { ok: true };
  }

  #stateFor(symbol: string): SymbolState {
    let state = this.#bySymbol.get(symbol);
    if (state === undefined) {
      // A replay may carry symbols the market was not created with; they get history too.
      state = new SymbolState(symbolTraits(symbol, this.#context.seed), 65_536, 0);
      this.#bySymbol.set(symbol, state);
      this.#symbols.push(symbol);
    }
    return state;
  }

  #adminNowUs(): number {
    return Math.max(this.#nowUs, this.#context.clock.nowUs());
  }

  #setHalted(symbol: string, halted: boolean): MarketResult {
    const state = this.#bySymbol.get(symbol);
    if (state === undefined) return unknownSymbol(symbol);
    if (state.traits.crypto)
      return { ok: false, reason: `${symbol} is a crypto pair; trading halts apply to stocks` };
    state.halted = halted;
    const utp = state.traits.tape === 'C';
    this.#emitStatus({
      symbol,
      statusCode: halted ? (utp ? 'H' : '2') : utp ? 'T' : '3',
      statusMessage: halted ? 'Trading Halt' : utp ? 'Trading Resumption' : 'Resume',
      reasonCode: halted ? (utp ? 'T1' : 'D') : utp ? 'T' : '',
      reasonMessage: halted ? 'Halt News Pending' : utp ? 'Trading Resumption' : '',
      timestampUs: this.#adminNowUs(),
      nanos: 0,
      tape: state.traits.tape,
    });
    return { ok: true };
  }

  /**
   * A slot's offset from the origin: its even spacing plus a hashed jitter below half a
   * spacing, so timestamps use all nine fractional digits and still never go backwards.
   */
  #slotOffsetNs(slot: number): number {
    const jitter = Math.imul(slot, 0x9e3779b1) >>> 0;
    return Math.floor(slot * this.#intervalNs) + (jitter % this.#jitterRangeNs);
  }

  #nextSlotUs(): number {
    return this.#originUs + Math.floor(this.#slotOffsetNs(this.#slot) / 1000);
  }

  #skipSlotsTo(targetUs: number): void {
    this.#slot = Math.ceil(((targetUs - this.#originUs) * 1000) / this.#intervalNs);
  }

  /** The initial quote each symbol starts from, so latestQuote answers before the first event. */
  #seedQuote(state: SymbolState): void {
    const { bidTick, askTick } = this.#touch(state);
    const bidSize = this.#quoteSize(state);
    const askSize = this.#quoteSize(state);
    const quote = this.#makeQuote(state, bidTick, bidSize, askTick, askSize, this.#originUs, 0);
    state.lastQuote = quote;
    state.book?.update(bidTick, bidSize, askTick, askSize, this.#prng, () => this.#quoteSize(state));
  }

  #runSlot(): void {
    const offsetNs = this.#slotOffsetNs(this.#slot);
    this.#slot++;
    const timestampUs = this.#originUs + Math.floor(offsetNs / 1000);
    const nanos = offsetNs % 1000;
    this.#nowUs = timestampUs;
    if (timestampUs >= this.#activityMinuteUs + US_PER_MINUTE) this.#refreshActivity(timestampUs);
    const state = this.#states[this.#prng.nextInt(this.#states.length)];
    if (state === undefined || state.halted || state.held) return;
    const crypto = state.traits.crypto;
    if (!crypto && !this.#activity.stocksOpen) return;
    this.#moveMid(state, timestampUs);
    const activity = crypto ? 1 : this.#activity.stockActivity;
    if (this.#prng.next() < Math.min(0.6, BASE_TRADE_SHARE * activity)) {
      this.#generateTrade(state, timestampUs, nanos);
    } else {
      const { bidTick, askTick } = this.#touch(state);
      const bidSize = this.#quoteSize(state);
      const askSize = this.#quoteSize(state);
      this.#publishQuote(
        state,
        bidTick / state.traits.ticksPerUnit,
        bidSize,
        askTick / state.traits.ticksPerUnit,
        askSize,
        timestampUs,
        nanos,
      );
    }
  }

  #refreshActivity(timestampUs: number): void {
    this.#activityMinuteUs = Math.floor(timestampUs / US_PER_MINUTE) * US_PER_MINUTE;
    this.#activity = minuteActivity(
      this.#activityMinuteUs / 1000,
      this.#context.sessionHours,
      this.#closedDates,
    );
  }

  /** Geometric Brownian motion in real time, so prices move the same whatever the message rate. */
  #moveMid(state: SymbolState, timestampUs: number): void {
    if (state.lastMoveUs >= 0) {
      const dtSeconds = (timestampUs - state.lastMoveUs) / 1e6;
      state.mid *= 1 + state.sigma * Math.sqrt(dtSeconds) * this.#prng.gaussian();
      const floor = 2 / state.traits.ticksPerUnit;
      if (state.mid < floor) state.mid = floor;
    }
    state.lastMoveUs = timestampUs;
  }

  /**
   * Bid and ask in ticks around the mid: half a basis point wide (a cent on AAPL, a few on SPY,
   * a few dollars on BTC/USD), never less than a tick, and one quote in five a few ticks wider.
   */
  #touch(state: SymbolState): { bidTick: number; askTick: number } {
    const perUnit = state.traits.ticksPerUnit;
    const midTicks = state.mid * perUnit;
    const spreadTicks =
      Math.max(1, Math.round(midTicks * TOUCH_SPREAD)) +
      (this.#prng.next() < 0.2 ? 1 + this.#prng.nextInt(3) : 0);
    const bidTick = Math.max(1, Math.round(midTicks - spreadTicks / 2));
    return { bidTick, askTick: bidTick + spreadTicks };
  }

  #quoteSize(state: SymbolState): number {
    if (!state.traits.crypto) return 1 + Math.floor(-Math.log(1 - this.#prng.next()) * 4);
    const scale = 10 ** state.traits.sizeDecimals;
    const size = state.traits.typicalTradeSize * (0.2 + 3 * this.#prng.next());
    return Math.max(1, Math.round(size * scale)) / scale;
  }

  #makeQuote(
    state: SymbolState,
    bidTick: number,
    bidSize: number,
    askTick: number,
    askSize: number,
    timestampUs: number,
    nanos: number,
  ): SimQuote {
    const { exchanges, ticksPerUnit, crypto, tape, symbol } = state.traits;
    return {
      symbol,
      bidPrice: bidTick / ticksPerUnit,
      bidSize,
      askPrice: askTick / ticksPerUnit,
      askSize,
      timestampUs,
      nanos,
      bidExchange: crypto ? '' : exchanges[this.#prng.nextInt(exchanges.length)]!,
      askExchange: crypto ? '' : exchanges[this.#prng.nextInt(exchanges.length)]!,
      conditions: crypto ? NO_CONDITIONS : QUOTE_CONDITIONS,
      tape,
    };
  }

  #publishQuote(
    state: SymbolState,
    bidPrice: number,
    bidSize: number,
    askPrice: number,
    askSize: number,
    timestampUs: number,
    nanos: number,
  ): void {
    const perUnit = state.traits.ticksPerUnit;
    const bidTick = Math.round(bidPrice * perUnit);
    const askTick = Math.round(askPrice * perUnit);
    const quote = this.#makeQuote(state, bidTick, bidSize, askTick, askSize, timestampUs, nanos);
    this.#emitQuote(state, quote);
    if (state.book !== undefined) {
      const delta = state.book.update(bidTick, bidSize, askTick, askSize, this.#prng, () =>
        this.#quoteSize(state),
      );
      this.#emitOrderBook({ symbol: state.traits.symbol, reset: false, ...delta, timestampUs, nanos });
    }
  }

  #generateTrade(state: SymbolState, timestampUs: number, nanos: number): void {
    const quote = state.lastQuote!;
    const traits = state.traits;
    const roll = this.#prng.next();
    const buy = roll < 0.5;
    let price = buy ? quote.askPrice : quote.bidPrice;
    const spreadTicks = Math.round((quote.askPrice - quote.bidPrice) * traits.ticksPerUnit);
    if (this.#prng.next() < 0.15 && spreadTicks >= 2) {
      // Midpoint and hidden liquidity: inside the spread, on a tick.
      price =
        (Math.round(quote.bidPrice * traits.ticksPerUnit) + 1 + this.#prng.nextInt(spreadTicks - 1)) /
        traits.ticksPerUnit;
    }
    let size: number;
    let conditions: readonly string[];
    if (traits.crypto) {
      const scale = 10 ** traits.sizeDecimals;
      size =
        Math.max(1, Math.round(traits.typicalTradeSize * -Math.log(1 - this.#prng.next()) * scale)) / scale;
      conditions = NO_CONDITIONS;
    } else if (this.#prng.next() < 0.3) {
      size = 1 + this.#prng.nextInt(99);
      conditions = ODD_LOT_CONDITIONS;
    } else {
      size = 100 * (1 + Math.floor(-Math.log(1 - this.#prng.next()) * 2 * this.#activity.stockActivity));
      conditions = ROUND_LOT_CONDITIONS;
    }
    let tradeUs = timestampUs;
    const secondsIntoMinute = timestampUs - Math.floor(timestampUs / US_PER_MINUTE) * US_PER_MINUTE;
    if (!traits.crypto && secondsIntoMinute < 30_000_000 && this.#prng.next() < LATE_TRADE_SHARE) {
      // A trade reported late, stamped in the previous minute: Alpaca answers with an updated bar.
      tradeUs = timestampUs - US_PER_MINUTE;
      conditions = LATE_CONDITIONS;
    }
    const trade: SimTrade = {
      symbol: traits.symbol,
      id: state.nextTradeId++,
      price,
      size,
      timestampUs: tradeUs,
      nanos,
      takerSide: buy ? 'buy' : 'sell',
      exchange: traits.crypto ? '' : traits.exchanges[this.#prng.nextInt(traits.exchanges.length)]!,
      conditions,
      tape: traits.tape,
    };
    this.#recordTradeInBars(state, trade);
    this.#emitTrade(state, trade);
  }

  #recordTradeInBars(state: SymbolState, trade: SimTrade): void {
    const minuteUs = Math.floor(trade.timestampUs / US_PER_MINUTE) * US_PER_MINUTE;
    const minute = state.minute;
    if (minuteUs > minute.startUs) {
      if (minute.trades > 0 && minute.startUs >= 0) {
        state.pendingBar = minute.toBar(state.traits.symbol, 'minute', state.traits.sizeDecimals);
      }
      minute.reset(minuteUs);
    }
    if (minuteUs === minute.startUs) minute.add(trade.price, trade.size);
    else this.#amendEmittedBar(state, minuteUs, trade);
    // Daily bars restart at New York midnight; the session is refreshed every minute.
    if (state.day.startUs !== this.#activity.dayStartUs) state.day.reset(this.#activity.dayStartUs);
    state.day.add(trade.price, trade.size);
  }

  /** A late trade for a minute whose bar is already out: fold it in and send an updated bar later. */
  #amendEmittedBar(state: SymbolState, minuteUs: number, trade: SimTrade): void {
    const bar = state.lastMinuteBar;
    if (bar === undefined || bar.startUs !== minuteUs) return;
    const volume = bar.volume + trade.size;
    state.lastMinuteBar = {
      ...bar,
      kind: 'updated',
      high: Math.max(bar.high, trade.price),
      low: Math.min(bar.low, trade.price),
      volume,
      tradeCount: bar.tradeCount + 1,
      vwap: Math.round(((bar.vwap * bar.volume + trade.price * trade.size) / volume) * 1e6) / 1e6,
    };
    state.updatedPending = true;
  }

  #closeMinute(): void {
    const closedUs = this.#nextBarEmitUs - BAR_DELAY_US - US_PER_MINUTE;
    this.#nextBarEmitUs += US_PER_MINUTE;
    const dailyChanged: SymbolState[] = [];
    for (const state of this.#states) {
      let bar: SimBar | undefined;
      if (state.pendingBar !== undefined && state.pendingBar.startUs === closedUs) {
        bar = state.pendingBar;
      } else if (state.minute.startUs === closedUs && state.minute.trades > 0) {
        bar = state.minute.toBar(state.traits.symbol, 'minute', state.traits.sizeDecimals);
        state.minute.reset(closedUs + US_PER_MINUTE);
      } else if (state.traits.crypto && state.mids.startUs === closedUs) {
        const { open, high, low, close } = state.mids;
        bar = {
          symbol: state.traits.symbol,
          kind: 'minute',
          startUs: closedUs,
          open,
          high,
          low,
          close,
          volume: 0,
          tradeCount: 0,
          vwap: 0,
        };
      }
      state.pendingBar = undefined;
      if (bar === undefined) continue;
      state.lastMinuteBar = bar;
      state.updatedPending = false;
      this.#emitBar(state, bar);
      if (bar.tradeCount > 0) dailyChanged.push(state);
    }
    for (const state of dailyChanged) {
      this.#emitBar(state, state.day.toBar(state.traits.symbol, 'daily', state.traits.sizeDecimals));
      this.#maybeRecalculateLuld(state);
    }
  }

  #sendUpdatedBars(): void {
    this.#nextUpdatedEmitUs += US_PER_MINUTE;
    for (const state of this.#states) {
      if (!state.updatedPending || state.lastMinuteBar === undefined) continue;
      state.updatedPending = false;
      this.#emitBar(state, state.lastMinuteBar);
    }
  }

  #maybeRecalculateLuld(state: SymbolState): void {
    if (state.traits.crypto || state.manualLuld) return;
    const reference = state.day.close;
    if (
      state.luldReference > 0 &&
      Math.abs(reference - state.luldReference) / state.luldReference < LULD_RECALC_MOVE
    )
      return;
    state.luldReference = reference;
    this.#emitLuld({
      symbol: state.traits.symbol,
      limitUp: Math.round(reference * (1 + LULD_BAND) * 100) / 100,
      limitDown: Math.round(reference * (1 - LULD_BAND) * 100) / 100,
      indicator: 'B',
      timestampUs: this.#nowUs,
      nanos: 0,
      tape: state.traits.tape,
    });
  }

  #emitQuote(state: SymbolState, quote: SimQuote): void {
    state.lastQuote = quote;
    state.quotes.add(quote);
    if (state.traits.crypto) {
      state.mids.add(
        Math.floor(quote.timestampUs / US_PER_MINUTE) * US_PER_MINUTE,
        (quote.bidPrice + quote.askPrice) / 2,
      );
    }
    const listeners = this.#listeners.quote;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(quote);
  }

  #emitTrade(state: SymbolState, trade: SimTrade): void {
    state.lastTrade = trade;
    state.trades.add(trade);
    const listeners = this.#listeners.trade;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(trade);
  }

  #emitBar(state: SymbolState, bar: SimBar): void {
    state.bars.add(bar);
    const listeners = this.#listeners.bar;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(bar);
  }

  #emitStatus(status: SimStatus): void {
    for (const listener of this.#listeners.status) listener(status);
  }

  #emitLuld(luld: SimLuld): void {
    for (const listener of this.#listeners.luld) listener(luld);
  }

  #emitOrderBook(book: SimOrderBook): void {
    const listeners = this.#listeners.orderBook;
    for (let i = 0; i < listeners.length; i++) listeners[i]!(book);
  }
}

function unknownSymbol(symbol: string): MarketResult {
  return {
    ok: false,
    reason: `unknown symbol ${JSON.stringify(symbol)}: the market was not created with it`,
  };
}

function validateQuote(quote: ExplicitQuote): string | undefined {
  const positive = (value: number | undefined): boolean =>
    value === undefined || (Number.isFinite(value) && value > 0);
  if (!positive(quote.bidPrice) || !positive(quote.askPrice))
    return 'bidPrice and askPrice must be positive numbers';
  if (quote.askPrice < quote.bidPrice) return 'askPrice must not be below bidPrice';
  if (!positive(quote.bidSize) || !positive(quote.askSize))
    return 'bidSize and askSize must be positive numbers';
  return undefined;
}

/** Slot timestamps are jittered within half the spacing (at most half a second), so they stay ordered. */
function jitterRange(intervalNs: number): number {
  return Math.max(1, Math.floor(Math.min(intervalNs, 1e9) / 2));
}
