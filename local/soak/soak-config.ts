/**
 * The config the soak runs: the given one, with each quote-driven strategy's period scaled from
 * the config's simulator rate to the soak's. The simulator's prices move with time, not with the
 * message count, so an average over 100 quotes spans 2.5 s at the shipped 200 messages/s and
 * 25 ms at 20,000: too short to ever stray 3 bps, and the strategy would never trade. Scaled,
 * it averages over the same time as shipped and trades as it does in `npm start`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Strategy types whose `period` counts quotes. */
const QUOTE_PERIOD_TYPES = new Set(['mid-price-momentum']);

export interface SoakConfig {
  readonly text: string;
  /** What was changed, for the report. */
  readonly changes: readonly string[];
}

export function soakConfig(configFile: string, rate: number): SoakConfig {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as {
    simulator?: { messagesPerSecond?: number };
    strategies?: { type: string; id: string; period?: number; manifest?: string }[];
  };
  const changes: string[] = [];
  const shippedRate = config.simulator?.messagesPerSecond;
  for (const strategy of config.strategies ?? []) {
    // The copy lives elsewhere: paths in it are made absolute, as the config's folder meant them.
    if (strategy.manifest !== undefined) strategy.manifest = resolve(dirname(configFile), strategy.manifest);
    if (!QUOTE_PERIOD_TYPES.has(strategy.type) || strategy.period === undefined || shippedRate === undefined)
      continue;
    const period = Math.max(1, Math.round((strategy.period * rate) / shippedRate));
    if (period === strategy.period) continue;
    changes.push(
      `${strategy.id}: period ${strategy.period} → ${period} quotes (× ${rate} / ${shippedRate} messages/s)`,
    );
    strategy.period = period;
  }
  return { text: `${JSON.stringify(config, null, 2)}\n`, changes };
}
