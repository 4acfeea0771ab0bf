/**
 * Static traits of a simulated instrument, derived from its symbol and the seed: a plausible
 * starting price, the tick size, volatility, listing tape and the venues that quote it.
 */
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import { hashString } from './prng.ts';

export interface SymbolTraits {
  readonly symbol: string;
  readonly crypto: boolean;
  readonly initialPrice: number;
  /** Prices are whole multiples of 1 / ticksPerUnit (100 = one cent). */
  readonly ticksPerUnit: number;
  /** Annualised volatility as a fraction (0.3 = 30 %). */
  readonly annualVolatility: number;
  /** Tape A/B (CTA, NYSE-listed and regional) or C (UTP, Nasdaq-listed); empty for crypto. */
  readonly tape: string;
  readonly exchanges: readonly string[];
  /** Sizes are rounded to this many decimals (0 for shares; fractions for coins). */
  readonly sizeDecimals: number;
  /** Typical size of a trade, in shares or coins. */
  readonly typicalTradeSize: number;
}

const KNOWN_PRICES: Readonly<Record<string, number>> = {
  AAPL: 190,
  MSFT: 420,
  AMZN: 180,
  GOOGL: 170,
  META: 500,
  NVDA: 120,
  TSLA: 250,
  SPY: 520,
  QQQ: 450,
  IWM: 200,
  AMD: 160,
  FAKEPACA: 100,
  'BTC/USD': 65_000,
  'ETH/USD': 3_200,
  'SOL/USD': 150,
  'LTC/USD': 80,
  'DOGE/USD': 0.15,
};

/** Venues as Alpaca's exchange codes (V = IEX, Q = Nasdaq, N = NYSE, P = Arca, Z = Cboe BZX …). */
const NASDAQ_VENUES = ['Q', 'V', 'Z', 'K', 'P', 'J', 'Y', 'X', 'B', 'H'] as const;
const NYSE_VENUES = ['N', 'V', 'P', 'Z', 'K', 'Q', 'J', 'Y', 'C', 'M'] as const;

export function symbolTraits(symbol: string, seed: number): SymbolTraits {
  const hash = hashString(symbol, seed);
  const unit = (shift: number): number => ((hash >>> shift) & 0xff) / 255;
  const crypto = isCryptoSymbol(symbol);
  const known = KNOWN_PRICES[symbol];
  const initialPrice = known ?? (crypto ? 1 + 99 * unit(0) : 10 + 490 * unit(0));
  if (crypto) {
    // Keep about five significant digits in the tick, as crypto venues do.
    const ticksPerUnit = 10 ** Math.max(2, 4 - Math.floor(Math.log10(initialPrice)));
    return {
      symbol,
      crypto,
      initialPrice: Math.round(initialPrice * ticksPerUnit) / ticksPerUnit,
      ticksPerUnit,
      annualVolatility: 0.5 + 0.3 * unit(8),
      tape: '',
      exchanges: [],
      sizeDecimals: initialPrice > 1_000 ? 6 : initialPrice > 10 ? 4 : 0,
      typicalTradeSize: 5_000 / initialPrice,
    };
  }
  const nasdaq = unit(16) < 0.5;
  return {
    symbol,
    crypto,
    initialPrice: Math.round(initialPrice * 100) / 100,
    ticksPerUnit: 100,
    annualVolatility: 0.15 + 0.35 * unit(8),
    tape: nasdaq ? 'C' : unit(24) < 0.7 ? 'A' : 'B',
    exchanges: nasdaq ? NASDAQ_VENUES : NYSE_VENUES,
    sizeDecimals: 0,
    typicalTradeSize: 100,
  };
}
