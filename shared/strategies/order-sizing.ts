import { type Fixed, fixedFromNumber, SCALE, ZERO } from '../domain/fixed.ts';
import { isCryptoSymbol } from '../domain/symbol.ts';

/** Crypto trades in fractions; equities in whole shares, which every order type accepts. */
const CRYPTO_QTY_STEP = SCALE / 10_000n;

/** The largest quantity whose notional at `price` stays within `notional`; zero if not even one step fits. */
export function quantityForNotional(symbol: string, notional: Fixed, price: number): Fixed {
  if (!(price > 0)) return ZERO;
  const priceFixed = fixedFromNumber(price);
  if (priceFixed <= 0n) return ZERO;
  const step = isCryptoSymbol(symbol) ? CRYPTO_QTY_STEP : SCALE;
  const maxQty = (notional * SCALE) / priceFixed;
  return ((maxQty / step) * step) as Fixed;
}
