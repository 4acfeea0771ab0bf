/**
 * The config the soak runs: the given one, with each quote-driven strategy's period scaled from
 * the config's simulator rate to the soak's. The simulator's prices move with time, not with the
 * message count, so an average over 100 quotes spans 2.5 s at the shipped 200 messages/s and
 * 25 ms at 20,000: too short to ever stray 3 bps, and the strategy would never trade. Scaled,
 * it averages over the same time as shipped and trades as it does in `npm start`.
 *
 * And the risk limits it runs: the given ones, with the two stops that end trading for the rest
 * of a session on the strategies' results (the breaker after consecutive losses, without
 * auto-resume; the fill latch) out of reach. The soak measures the system under load with
 * trading on; the first run with the shipped limits stopped trading after 1.5 of 10 minutes.
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

/** TOML keys raised out of reach, and to what. */
const RISK_RELAXED: Readonly<Record<string, string>> = {
  max_consecutive_losses: '1000000',
  max_fills: '1000000',
};

export function soakRiskLimits(riskFile: string): SoakConfig {
  let text = readFileSync(riskFile, 'utf8');
  const changes: string[] = [];
  for (const [key, value] of Object.entries(RISK_RELAXED)) {
    const line = new RegExp(`^${key} = (.*)$`, 'm');
    const match = line.exec(text);
    if (match === null || match[1] === value) continue;
    changes.push(`${key} ${match[1]} → ${value}`);
    text = text.replace(line, `${key} = ${value}`);
  }
  return { text, changes };
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
