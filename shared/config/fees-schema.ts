/**
 * config/fees.toml: the fees a backtest charges per execution (the bar venue's fee schedule,
 * shared/domain/regulatory-fees.ts). Rates change by regulators' notice, so they live in a file the
 * team keeps current rather than in code; every key is required, so the file says all it assumes.
 */
import { z } from 'zod';

const rate = (max: number) => z.number().min(0).max(max);

export const feesFileSchema = z
  .strictObject({
    fees: z.strictObject({
      /** SEC fee, dollars per $1,000,000 of sale principal. */
      sec_fee_per_million: rate(10_000),
      /** FINRA trading activity fee, dollars per share sold. */
      taf_per_share: rate(1),
      /** The most TAF one execution pays, dollars. */
      taf_max_per_trade: rate(10_000),
      /** Commission, dollars per share, on buys and sells. */
      commission_per_share: rate(1),
    }),
  })
  .transform(({ fees }) => ({
    secFeePerMillion: fees.sec_fee_per_million,
    tafPerShare: fees.taf_per_share,
    tafMaxPerTrade: fees.taf_max_per_trade,
    commissionPerShare: fees.commission_per_share,
  }));

export type FeeRates = z.output<typeof feesFileSchema>;
