/**
 * What the market-data layer tells risk about each symbol: the latest quote (the reference
 * price), whether it is stale, trading halts and limit-up/limit-down bands.
 *
 * Updates arrive per market-data message, so they only store the wire's float64 values; the exact
 * Fixed forms a check compares against are converted lazily, once per quote, when a check first
 * needs them.
 */
import { type Fixed, fixedFromNumber, SCALE } from '../../shared/domain/fixed.ts';
import type { OrderSide } from '../../shared/domain/order.ts';

const HUNDRED_PERCENT = 100n * SCALE;
/** Alpaca's price increments: $0.01 at or above $1, $0.0001 below. */
const CENT = SCALE / 100n;
const HUNDREDTH_CENT = SCALE / 10_000n;
const NOT_COMPUTED = -1n;

/** The calls the market-data service makes into risk. */
export interface RiskMarketDataSink {
  onQuote(symbol: string, bidPrice: number, askPrice: number, timestampUs: number): void;
  onTradingStatus(symbol: string, statusCode: string, timestampUs: number): void;
  /** A trade printed: after a halt, proof that the symbol trades again (see SymbolMarket.onPrint). */
  onTrade(symbol: string, timestampUs: number): void;
  onLuld(symbol: string, limitUp: number, limitDown: number, timestampUs: number): void;
  /** The feed's stale guard: no fresh reference for this symbol until its next quote. */
  markStale(symbol: string): void;
}

/** CTA "2" and UTP "H" halt, UTP "P" volatility pause, UTP "Q" quotation only (no trading yet). */
const HALT_CODES: ReadonlySet<string> = new Set(['2', 'H', 'P', 'Q']);
/** CTA "3" resume, UTP "T" trading resumption. Other codes (imbalances, SSR) leave the state as is. */
const RESUME_CODES: ReadonlySet<string> = new Set(['3', 'T']);

export class SymbolMarket {
  bid = Number.NaN;
  ask = Number.NaN;
  quoteTimestampUs = Number.NEGATIVE_INFINITY;
  stale = true;
  halted = false;
  haltCode = '';
  /** When the halt in force began (the status message's time). */
  haltedAtUs = Number.NEGATIVE_INFINITY;
  limitUp = Number.NaN;
  limitDown = Number.NaN;
  #pricesExact = false;
  #bidFixed = 0n as Fixed;
  #askFixed = 0n as Fixed;
  #midFixed = 0n as Fixed;
  #collarKnown = false;
  #collarLow = 0n as Fixed;
  #collarHigh = 0n as Fixed;
  #buyBound = NOT_COMPUTED;
  #sellBound = NOT_COMPUTED;
  #limitsExact = false;
  #limitUpFixed = 0n as Fixed;
  #limitDownFixed = 0n as Fixed;

  setQuote(bid: number, ask: number, timestampUs: number): void {
    // The exact forms depend on the two prices alone: a quote that changes only sizes keeps them.
    if (bid !== this.bid || ask !== this.ask) this.#pricesExact = false;
    this.bid = bid;
    this.ask = ask;
    this.quoteTimestampUs = timestampUs;
    // A one-sided, crossed or nonsense quote gives no usable reference.
    this.stale = !(bid > 0 && ask > 0 && ask >= bid && Number.isFinite(ask));
  }

  setBand(limitUp: number, limitDown: number): void {
    const valid = limitUp > 0 && limitDown > 0 && limitUp >= limitDown && Number.isFinite(limitUp);
    this.limitUp = valid ? limitUp : Number.NaN;
    this.limitDown = valid ? limitDown : Number.NaN;
    this.#limitsExact = false;
    this.#buyBound = NOT_COMPUTED;
    this.#sellBound = NOT_COMPUTED;
  }

  setTradingStatus(statusCode: string, timestampUs: number): void {
    if (HALT_CODES.has(statusCode)) {
      if (!this.halted) this.haltedAtUs = timestampUs;
      this.halted = true;
      this.haltCode = statusCode;
    } else if (RESUME_CODES.has(statusCode)) {
      this.halted = false;
      this.haltCode = '';
    }
  }

  /**
   * A trade printed at `timestampUs`. A halted symbol prints nothing, so a print after the halt
   * began means trading has resumed, even if the resumption's status message never came: Alpaca
   * sends statuses only as they change, and one sent while the feed was down or silent is gone
   * for good, which would leave the symbol halted here (its exits refused) for the rest of the
   * day. A late report of an earlier trade carries its earlier time and changes nothing.
   */
  onPrint(timestampUs: number): void {
    if (!this.halted || timestampUs <= this.haltedAtUs) return;
    this.halted = false;
    this.haltCode = '';
  }

  isFresh(nowUs: number, maxAgeUs: number): boolean {
    return !this.stale && nowUs - this.quoteTimestampUs <= maxAgeUs;
  }

  get hasBand(): boolean {
    return !Number.isNaN(this.limitUp);
  }

  get bidFixed(): Fixed {
    this.#exactPrices();
    return this.#bidFixed;
  }

  get askFixed(): Fixed {
    this.#exactPrices();
    return this.#askFixed;
  }

  /** Mid price, truncated to 1e-9. */
  get midFixed(): Fixed {
    this.#exactPrices();
    return this.#midFixed;
  }

  /**
   * Whether a limit is within collarPct of the mid: |limit − mid| × 100 ≤ mid × collarPct, exactly.
   * The distance is a whole number of 1e-9 units, so it is within the allowance exactly when it
   * is within ⌊mid × collarPct / 100⌋, and the collar is the band mid ± that, cached per quote: a
   * check compares two bigints instead of making two (a subtraction and a product, ~25 ns each).
   */
  withinCollar(limit: Fixed, collarPct: Fixed): boolean {
    this.#exactPrices();
    if (!this.#collarKnown) {
      // Both are positive (a fresh quote, a collar the risk file requires above 0): the floor.
      const half = (this.#midFixed * collarPct) / HUNDRED_PERCENT;
      this.#collarLow = (this.#midFixed - half) as Fixed;
      this.#collarHigh = (this.#midFixed + half) as Fixed;
      this.#collarKnown = true;
    }
    return limit >= this.#collarLow && limit <= this.#collarHigh;
  }

  /**
   * A market order's protective bound: protectionPct beyond the touch (ask for a buy, bid for a
   * sell), rounded inward to a price increment, and inside the LULD band. Cached per quote.
   */
  protectiveBound(side: OrderSide, protectionPct: Fixed): Fixed {
    this.#exactPrices();
    if (side === 'buy') {
      if (this.#buyBound === NOT_COMPUTED) {
        const raw = (this.#askFixed * (HUNDRED_PERCENT + protectionPct)) / HUNDRED_PERCENT;
        let bound = raw - (raw % (raw >= SCALE ? CENT : HUNDREDTH_CENT));
        if (this.hasBand && bound > this.limitUpFixed) bound = this.limitUpFixed;
        this.#buyBound = bound;
      }
      return this.#buyBound as Fixed;
    }
    if (this.#sellBound === NOT_COMPUTED) {
      const raw =
        (this.#bidFixed * (HUNDRED_PERCENT - protectionPct) + HUNDRED_PERCENT - 1n) / HUNDRED_PERCENT;
      const tick = raw >= SCALE ? CENT : HUNDREDTH_CENT;
      let bound = raw % tick === 0n ? raw : raw - (raw % tick) + tick;
      if (this.hasBand && bound < this.limitDownFixed) bound = this.limitDownFixed;
      this.#sellBound = bound;
    }
    return this.#sellBound as Fixed;
  }

  get limitUpFixed(): Fixed {
    this.#exactLimits();
    return this.#limitUpFixed;
  }

  get limitDownFixed(): Fixed {
    this.#exactLimits();
    return this.#limitDownFixed;
  }

  #exactPrices(): void {
    if (this.#pricesExact) return;
    this.#bidFixed = fixedFromNumber(this.bid);
    this.#askFixed = fixedFromNumber(this.ask);
    this.#midFixed = ((this.#bidFixed + this.#askFixed) / 2n) as Fixed;
    this.#collarKnown = false;
    this.#buyBound = NOT_COMPUTED;
    this.#sellBound = NOT_COMPUTED;
    this.#pricesExact = true;
  }

  #exactLimits(): void {
    if (this.#limitsExact) return;
    this.#limitUpFixed = fixedFromNumber(this.limitUp);
    this.#limitDownFixed = fixedFromNumber(this.limitDown);
    this.#limitsExact = true;
  }
}

export class MarketConditions {
  readonly #symbols = new Map<string, SymbolMarket>();

  get(symbol: string): SymbolMarket | undefined {
    return this.#symbols.get(symbol);
  }

  getOrCreate(symbol: string): SymbolMarket {
    let market = this.#symbols.get(symbol);
    if (market === undefined) {
      market = new SymbolMarket();
      this.#symbols.set(symbol, market);
    }
    return market;
  }
}
