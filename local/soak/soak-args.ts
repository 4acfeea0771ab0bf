/**
 * `npm run soak -- --minutes M --rate R [--json] [--symbols N] [--warmup-minutes W]
 * [--sample-seconds S] [--config FILE] [--risk FILE]`: every problem reported at once.
 */
import { numberFlag } from '../../shared/cli/number-flag.ts';
import { parseFlags } from '../../shared/cli/parse-flags.ts';

export const SOAK_USAGE = `usage: npm run soak -- --minutes M --rate R [--json] [--symbols N] [--warmup-minutes W]
                       [--sample-seconds S] [--config FILE] [--risk FILE]

  --minutes M          how long the load runs (a number above 0, at most 1440; 0.5 is 30 s)
  --rate R             market-data messages per second the simulator sends (1 to 1000000)
  --json               the figures as JSON instead of tables
  --symbols N          trade N symbols: the config's, then other liquid names (1 to 20;
                       default: the config's symbols)
  --warmup-minutes W   left out of the memory growth (default: a fifth of --minutes)
  --sample-seconds S   how often the engine's /metrics is read (default: --minutes × 2, from 1 to 5)
  --config FILE        system config (default config/system.json); its strategies trade
  --risk FILE          risk limits (default: risk_limits.toml beside the config)

Exit codes: 0 every threshold met, 1 a threshold missed (or the stack failed), 2 usage.`;

/** Names the simulator generates and the risk rules accept, beyond the config's own. */
export const EXTRA_SYMBOLS = [
  'AAPL',
  'MSFT',
  'GOOGL',
  'AMZN',
  'TSLA',
  'NVDA',
  'META',
  'SPY',
  'QQQ',
  'AMD',
  'NFLX',
  'INTC',
  'ORCL',
  'IBM',
  'CSCO',
  'ADBE',
  'CRM',
  'PEP',
  'KO',
  'JPM',
] as const;
export const MAX_SYMBOLS = EXTRA_SYMBOLS.length;

export interface SoakOptions {
  readonly minutes: number;
  readonly rate: number;
  readonly json: boolean;
  readonly symbols: number | undefined;
  readonly warmupMinutes: number;
  readonly sampleSeconds: number;
  readonly configFile: string;
  readonly riskFile: string | undefined;
}

export type SoakArgs =
  | { readonly kind: 'run'; readonly options: SoakOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const parsed = parseFlags(argv, {
    minutes: { type: 'string' },
    rate: { type: 'string' },
    json: { type: 'boolean' },
    symbols: { type: 'string' },
    'warmup-minutes': { type: 'string' },
    'sample-seconds': { type: 'string' },
    config: { type: 'string' },
    risk: { type: 'string' },
    help: { type: 'boolean' },
  });
  if ('problem' in parsed) return { kind: 'invalid', problems: [parsed.problem] };
  const { values } = parsed;
  if (values.help === true) return { kind: 'help' };
  const problems: string[] = [];
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (text('minutes') === undefined) problems.push('--minutes is required');
  if (text('rate') === undefined) problems.push('--rate is required');
  const minutes = numberFlag(text('minutes'), 'minutes', { min: 0, max: 1440, minExclusive: true }, problems);
  const rate = numberFlag(text('rate'), 'rate', { min: 1, max: 1_000_000 }, problems);
  const symbols = numberFlag(
    text('symbols'),
    'symbols',
    { min: 1, max: MAX_SYMBOLS, integer: true },
    problems,
  );
  const warmup = numberFlag(text('warmup-minutes'), 'warmup-minutes', { min: 0, max: 1440 }, problems);
  const sample = numberFlag(text('sample-seconds'), 'sample-seconds', { min: 0.2, max: 600 }, problems);
  if (minutes !== undefined && warmup !== undefined && warmup >= minutes)
    problems.push('--warmup-minutes must be shorter than --minutes');
  if (problems.length > 0 || minutes === undefined || rate === undefined)
    return { kind: 'invalid', problems };
  return {
    kind: 'run',
    options: {
      minutes,
      rate,
      json: values.json === true,
      symbols,
      warmupMinutes: warmup ?? minutes / 5,
      // About 30 samples in a short run, one every 5 s in a long one.
      sampleSeconds: sample ?? Math.min(5, Math.max(1, minutes * 2)),
      configFile: text('config') ?? 'config/system.json',
      riskFile: text('risk'),
    },
  };
}

/** The config's symbols first, then names from EXTRA_SYMBOLS it lacks, `count` in all. */
export function soakSymbols(configured: readonly string[], count: number): string[] {
  const symbols = [...configured];
  for (const symbol of EXTRA_SYMBOLS) if (!symbols.includes(symbol)) symbols.push(symbol);
  return symbols.slice(0, count);
}
