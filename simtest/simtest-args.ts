/**
 * `npm run simtest -- --seeds N [--from S] [--jobs J] [--variant NAME] [--out DIR]`: every
 * problem reported at once, by flag name.
 */
import { availableParallelism } from 'node:os';
import { numberFlag } from '../shared/cli/number-flag.ts';
import { parseFlags } from '../shared/cli/parse-flags.ts';
import { BROKEN_VARIANTS, type BrokenVariant } from './run-seed.ts';

export const SIMTEST_USAGE = `usage: npm run simtest -- [--seeds N] [--from S] [--jobs J] [--variant NAME] [--out DIR]

  --seeds N        how many seeds to run (default 100)
  --from S         the first seed (default 1)
  --jobs J         worker threads (default: one per core)
  --variant NAME   run a deliberately broken engine: ${BROKEN_VARIANTS.join(', ')}
  --out DIR        where a failing seed's event log goes (default .cache/simtest)

Exit codes: 0 every seed passed, 1 a seed failed, 2 usage.`;

export interface SimtestOptions {
  readonly count: number;
  readonly from: number;
  readonly jobs: number;
  readonly variant: BrokenVariant | undefined;
  readonly out: string;
}

export type SimtestArgs =
  | { readonly kind: 'run'; readonly options: SimtestOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

const MAX_SEED = 2 ** 32 - 1;

export function parseSimtestArgs(argv: readonly string[]): SimtestArgs {
  const parsed = parseFlags(argv, {
    seeds: { type: 'string', default: '100' },
    from: { type: 'string', default: '1' },
    jobs: { type: 'string', default: String(availableParallelism()) },
    variant: { type: 'string' },
    out: { type: 'string', default: '.cache/simtest' },
    help: { type: 'boolean' },
  });
  if ('problem' in parsed) return { kind: 'invalid', problems: [parsed.problem] };
  const { values } = parsed;
  if (values.help === true) return { kind: 'help' };
  const problems: string[] = [];
  const text = (name: string) => values[name] as string;
  const count = numberFlag(text('seeds'), 'seeds', { min: 1, max: MAX_SEED, integer: true }, problems);
  const from = numberFlag(text('from'), 'from', { min: 0, max: MAX_SEED, integer: true }, problems);
  const jobs = numberFlag(text('jobs'), 'jobs', { min: 1, max: 256, integer: true }, problems);
  const variant = values.variant as string | undefined;
  if (variant !== undefined && !(BROKEN_VARIANTS as readonly string[]).includes(variant))
    problems.push(`--variant must be one of ${BROKEN_VARIANTS.join(', ')}, got ${JSON.stringify(variant)}`);
  if (count !== undefined && from !== undefined && from + count - 1 > MAX_SEED)
    problems.push(`--from + --seeds must stay within seed ${MAX_SEED}`);
  if (problems.length > 0 || count === undefined || from === undefined || jobs === undefined)
    return { kind: 'invalid', problems };
  return {
    kind: 'run',
    options: { count, from, jobs, variant: variant as BrokenVariant | undefined, out: text('out') },
  };
}
