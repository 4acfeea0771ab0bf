/**
 * Instrument symbols. Equities are tickers (AAPL, BRK.B); crypto pairs are BASE/QUOTE (BTC/USD).
 * Alpaca also accepts the legacy unslashed crypto form (BTCUSD); we normalise to the slashed form
 * at the boundary so a position is never split across two spellings of one pair.
 */

export type AssetClass = 'us_equity' | 'crypto';

export interface Instrument {
  readonly symbol: string;
  readonly assetClass: AssetClass;
}

const EQUITY_TICKER = /^[A-Z][A-Z0-9]{0,5}(?:\.[A-Z]{1,2})?$/;
const CRYPTO_PAIR = /^([A-Z0-9]{2,10})\/(USD|USDT|USDC|BTC|ETH)$/;
const LEGACY_CRYPTO = /^([A-Z0-9]{2,10})(USD|USDT|USDC)$/;
const KNOWN_CRYPTO_BASES = new Set([
  'BTC',
  'ETH',
  'LTC',
  'BCH',
  'DOGE',
  'SHIB',
  'SOL',
  'AVAX',
  'LINK',
  'UNI',
  'AAVE',
  'DOT',
  'XRP',
  'USDT',
  'USDC',
]);

export type SymbolParseResult =
  | { readonly ok: true; readonly instrument: Instrument }
  | { readonly ok: false; readonly reason: string };

/** Parses and normalises a symbol; never throws. */
export function parseSymbol(text: string): SymbolParseResult {
  if (CRYPTO_PAIR.test(text)) return { ok: true, instrument: { symbol: text, assetClass: 'crypto' } };
  const legacy = LEGACY_CRYPTO.exec(text);
  if (legacy !== null && KNOWN_CRYPTO_BASES.has(legacy[1]!)) {
    return { ok: true, instrument: { symbol: `${legacy[1]}/${legacy[2]}`, assetClass: 'crypto' } };
  }
  if (EQUITY_TICKER.test(text)) return { ok: true, instrument: { symbol: text, assetClass: 'us_equity' } };
  return {
    ok: false,
    reason: `"${text}" is neither an equity ticker (1-6 upper-case letters/digits, optional .CLASS) nor a crypto pair like BTC/USD`,
  };
}

export function isCryptoSymbol(symbol: string): boolean {
  return symbol.includes('/');
}
