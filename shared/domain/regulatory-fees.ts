/**
 * The fees Alpaca passes on to the seller of US equities (https://alpaca.markets/support/regulatory-fees,
 * https://docs.alpaca.markets/docs/regulatory-fees): the SEC transaction fee on the principal of a
 * sale and FINRA's trading activity fee (TAF) per share sold, capped per trade. Both are rounded up
 * to the cent. The rates change by regulators' notice, so they are configuration
 * (config/fees.toml, shared/config/fees-schema.ts). Crypto pays none of these.
 */
import type { FeeRates } from '../config/fees-schema.ts';
import { type Fixed, fixedFromNumber, min, SCALE, ZERO } from './fixed.ts';
import { mulFixed } from './fixed-mul.ts';

const CENT = SCALE / 100n;

/** Rounded up to the cent, as Alpaca rounds each fee. */
function ceilToCent(amount: Fixed): Fixed {
  return (((amount + CENT - 1n) / CENT) * CENT) as Fixed;
}

/** Precomputed rates, so an execution's fees are a few bigint operations. */
export class FeeSchedule {
  readonly #secPerDollar: Fixed;
  readonly #tafPerShare: Fixed;
  readonly #tafMax: Fixed;
  readonly #commissionPerShare: Fixed;

  constructor(fees: FeeRates) {
    this.#secPerDollar = fixedFromNumber(fees.secFeePerMillion / 1_000_000);
    this.#tafPerShare = fixedFromNumber(fees.tafPerShare);
    this.#tafMax = fixedFromNumber(fees.tafMaxPerTrade);
    this.#commissionPerShare = fixedFromNumber(fees.commissionPerShare);
  }

  /** What one execution costs beyond its price: a sale's SEC fee and TAF, and any commission. */
  feeFor(side: 'buy' | 'sell', crypto: boolean, qty: Fixed, price: Fixed): Fixed {
    if (crypto) return ZERO;
    const commission =
      this.#commissionPerShare === ZERO ? ZERO : ceilToCent(mulFixed(qty, this.#commissionPerShare));
    if (side === 'buy') return commission;
    const sec =
      this.#secPerDollar === ZERO ? ZERO : ceilToCent(mulFixed(mulFixed(qty, price), this.#secPerDollar));
    const taf =
      this.#tafPerShare === ZERO ? ZERO : min(ceilToCent(mulFixed(qty, this.#tafPerShare)), this.#tafMax);
    return (commission + sec + taf) as Fixed;
  }
}
