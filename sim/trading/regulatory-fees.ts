/**
 * The fees Alpaca passes on to the seller of US equities (https://alpaca.markets/support/regulatory-fees,
 * https://docs.alpaca.markets/docs/regulatory-fees): the SEC transaction fee on the principal of a
 * sale and FINRA's trading activity fee (TAF) per share sold, capped per trade. Both are rounded up
 * to the cent. The rates change by regulators' notice, so they are configuration; the defaults
 * are the effective rates Alpaca's fee schedule lists (SEC 0.0000278 per dollar, TAF 0.000166 per
 * share up to $8.30). Alpaca charges no commission on equities, so the commission is zero unless
 * configured. Crypto pays none of these.
 */
import { z } from 'zod';
import { type Fixed, fixedFromNumber, min, SCALE, ZERO } from '../../shared/domain/fixed.ts';
import { mulFixed } from './fixed-mul.ts';

export const regulatoryFeesSchema = z
  .object({
    /** SEC fee in dollars per $1,000,000 of sale principal. */
    secFeePerMillion: z.number().min(0).max(10_000).default(27.8),
    /** FINRA TAF in dollars per share sold. */
    tafPerShare: z.number().min(0).max(1).default(0.000166),
    /** The most TAF one execution pays, dollars. */
    tafMaxPerTrade: z.number().min(0).max(10_000).default(8.3),
    /** Commission per share, on buys and sells alike (Alpaca: none). */
    commissionPerShare: z.number().min(0).max(1).default(0),
  })
  .strict();

export type RegulatoryFees = z.infer<typeof regulatoryFeesSchema>;

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

  constructor(fees: RegulatoryFees) {
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
