/**
 * Everything the market keeps per symbol: traits, the price process, the current bars, halt and
 * LULD state, the latest quote and trade, and the history the REST endpoints read.
 */
import { BarAccumulator, MidRange } from './bar-accumulator.ts';
import { BarHistory } from './bar-history.ts';
import { CryptoBook } from './crypto-book.ts';
import type { SimBar, SimQuote, SimTrade } from './market-events.ts';
import type { SymbolTraits } from './symbol-traits.ts';
import { QuoteHistory, TradeHistory } from './tick-history.ts';

const SECONDS_PER_TRADING_YEAR = 252 * 6.5 * 3600;
const BOOK_DEPTH = 10;

export class SymbolState {
  readonly traits: SymbolTraits;
  readonly trades: TradeHistory;
  readonly quotes: QuoteHistory;
  readonly bars = new BarHistory();
  readonly book: CryptoBook | undefined;
  readonly minute = new BarAccumulator();
  readonly day = new BarAccumulator();
  readonly mids = new MidRange();
  /** A minute closed by a trade in the next minute but not yet sent (the 50 ms bar delay). */
  pendingBar: SimBar | undefined;
  lastMinuteBar: SimBar | undefined;
  updatedPending = false;
  mid: number;
  lastMoveUs = -1;
  nextTradeId: number;
  halted = false;
  held = false;
  manualLuld = false;
  luldReference = 0;
  lastQuote: SimQuote | undefined;
  lastTrade: SimTrade | undefined;
  /** Volatility per √second. */
  readonly sigma: number;

  constructor(traits: SymbolTraits, historyCapacity: number, seedHash: number) {
    this.traits = traits;
    this.trades = new TradeHistory(traits.symbol, historyCapacity);
    this.quotes = new QuoteHistory(traits.symbol, historyCapacity);
    this.book = traits.crypto ? new CryptoBook(BOOK_DEPTH, traits.ticksPerUnit) : undefined;
    this.mid = traits.initialPrice;
    this.nextTradeId = traits.crypto ? 1_000_000 + (seedHash % 1_000_000) * 1000 : 1 + (seedHash % 100_000);
    this.sigma = traits.annualVolatility / Math.sqrt(SECONDS_PER_TRADING_YEAR);
  }
}
