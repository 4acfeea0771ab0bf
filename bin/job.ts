import { parseArgs } from 'node:util';
import { opsJobNowSummary, opsJobNowText, runOpsJobNow } from '../local/run-ops-job-now.ts';
import { API_TOKEN_VARIABLES } from '../shared/api/api-roles.ts';
import { OPS_JOBS, type OpsJob } from '../shared/ops/ops-report.ts';
import { describeError } from '../shared/ops/run-ops-job.ts';

const USAGE = `usage: npm run job -- ${OPS_JOBS.join('|')} [--config FILE] [--risk FILE] [--data FOLDER] [--fees FILE] [--engine-url URL] [--json]
(with --engine-url, the engine's read token comes from ${API_TOKEN_VARIABLES.read})`;

const EXIT = { ok: 0, skipped: 0, problems: 3, failed: 1 } as const;

interface Flags {
  readonly job: OpsJob;
  readonly config: string;
  readonly risk: string | undefined;
  readonly data: string;
  readonly fees: string;
  readonly engineUrl: string | undefined;
  readonly json: boolean;
}

function readFlags(argv: string[]): Flags | string {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        risk: { type: 'string' },
        data: { type: 'string' },
        fees: { type: 'string' },
        'engine-url': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    return describeError(error);
  }
  const [job, ...extra] = parsed.positionals;
  const problems: string[] = [];
  if (job === undefined) problems.push('name the job to run');
  else if (!(OPS_JOBS as readonly string[]).includes(job))
    problems.push(`unknown job ${JSON.stringify(job)}`);
  if (extra.length > 0) problems.push(`unexpected arguments: ${extra.join(' ')}`);
  const engineUrl = parsed.values['engine-url'] as string | undefined;
  if (engineUrl !== undefined && !URL.canParse(engineUrl))
    problems.push(`--engine-url ${JSON.stringify(engineUrl)} is not a URL`);
  if (problems.length > 0) return problems.join('; ');
  return {
    job: job as OpsJob,
    config: (parsed.values.config as string | undefined) ?? 'config/system.json',
    risk: parsed.values.risk as string | undefined,
    data: (parsed.values.data as string | undefined) ?? '.data/dynamo',
    fees: (parsed.values.fees as string | undefined) ?? 'config/fees.toml',
    engineUrl,
    json: parsed.values.json === true,
  };
}

async function main(argv: string[]): Promise<number> {
  const flags = readFlags(argv);
  if (typeof flags === 'string') {
    console.error(`${flags}\n${USAGE}`);
    return 2;
  }
  const readToken = process.env[API_TOKEN_VARIABLES.read];
  const run = await runOpsJobNow({
    job: flags.job,
    configFile: flags.config,
    ...(flags.risk === undefined ? {} : { riskFile: flags.risk }),
    dataFolder: flags.data,
    feesFile: flags.fees,
    ...(flags.engineUrl === undefined
      ? {}
      : { engine: { url: flags.engineUrl, token: readToken === '' ? undefined : readToken } }),
    env: process.env,
  });
  if (!run.ok) {
    console.error(run.problem);
    return 1;
  }
  console.log(flags.json ? JSON.stringify(opsJobNowSummary(run), null, 2) : opsJobNowText(run));
  return EXIT[run.report.outcome];
}

process.exitCode = await main(process.argv.slice(2));
