/**
 * What the market-data layer tells risk about each symbol: the latest quote (the reference
 * price), whether it is stale, trading halts and limit-up/limit-down bands.
 *
 * Updates arrive per market-data message, so they only store the wire's float64 values; the exact
 * Fixed forms a check compares against are converted lazily, once per quote, when a check first
 * needs them.
 */
import { type Fixed, fixedFromNumber } from '../../shared/domain/fixed.ts';

/** The calls the market-data service makes into risk. */
export interface RiskMarketDataSink {
  onQuote(symbol: string, bidPrice: number, askPrice: number, timestampUs: number): void;
  onTradingStatus(symbol: string, statusCode: string, timestampUs: number): void;
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
  limitUp = Number.NaN;
  limitDown = Number.NaN;
  #pricesExact = false;
  #bidFixed = 0n as Fixed;
  #askFixed = 0n as Fixed;
  #limitsExact = false;
  #limitUpFixed = 0n as Fixed;
  #limitDownFixed = 0n as Fixed;

  setQuote(bid: number, ask: number, timestampUs: number): void {
    this.bid = bid;
    this.ask = ask;
    this.quoteTimestampUs = timestampUs;
    // A one-sided, crossed or nonsense quote gives no usable reference.
    this.stale = !(bid > 0 && ask > 0 && ask >= bid && Number.isFinite(ask));
    this.#pricesExact = false;
  }

  setBand(limitUp: number, limitDown: number): void {
    const valid = limitUp > 0 && limitDown > 0 && limitUp >= limitDown && Number.isFinite(limitUp);
    this.limitUp = valid ? limitUp : Number.NaN;
    this.limitDown = valid ? limitDown : Number.NaN;
    this.#limitsExact = false;
  }

  setTradingStatus(statusCode: string): void {
    if (HALT_CODES.has(statusCode)) {
      this.halted = true;
      this.haltCode = statusCode;
    } else if (RESUME_CODES.has(statusCode)) {
      this.halted = false;
      this.haltCode = '';
    }
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
    return ((this.#bidFixed + this.#askFixed) / 2n) as Fixed;
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
