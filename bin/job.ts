import { parseArgs } from 'node:util';
import { resolveOpsConnection } from '../local/ops-connection.ts';
import { localOpsJobs } from '../local/ops-jobs.ts';
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';
import { CredentialsError, loadBrokerCredentials } from '../shared/config/broker-credentials.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';
import type { OpsMetrics } from '../shared/ops/ops-metrics.ts';
import { OPS_JOBS, type OpsJob } from '../shared/ops/ops-report.ts';
import { renderOpsReport } from '../shared/ops/ops-table.ts';
import { describeError, type OpsJobLog, runOpsJob } from '../shared/ops/run-ops-job.ts';
import { createDocumentClient, createDynamoClient } from '../shared/store/dynamo-client.ts';
import { systemClock } from '../shared/time/clock.ts';

const USAGE = `usage: npm run job -- ${OPS_JOBS.join('|')} [--config FILE] [--risk FILE] [--data FOLDER] [--fees FILE] [--engine-url URL] [--json]`;

/** The report printed is the run's output; the job's own log lines would repeat it. */
const SILENT: OpsJobLog = { info: () => {}, error: () => {} };

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
  const config = loadConfigOrReport({
    systemFile: flags.config,
    ...(flags.risk === undefined ? {} : { riskFile: flags.risk }),
  });
  if (config === null) return 1;
  const { system } = config;
  let connection: ReturnType<typeof resolveOpsConnection>;
  let credentials: Awaited<ReturnType<typeof loadBrokerCredentials>>;
  try {
    connection = resolveOpsConnection({
      config,
      dataFolder: flags.data,
      ...(flags.engineUrl === undefined ? {} : { engineUrl: flags.engineUrl }),
    });
    credentials = await loadBrokerCredentials({ system, env: process.env });
  } catch (error) {
    console.error(error instanceof CredentialsError ? error.message : describeError(error));
    return 1;
  }
  const clientOptions = {
    region: system.store.region,
    ...(connection.dynamoEndpoint === undefined ? {} : { endpoint: connection.dynamoEndpoint }),
  };
  const client = createDocumentClient(clientOptions);
  const rawClient = createDynamoClient(clientOptions);
  const broker = new AlpacaTradingClient({ baseUrl: connection.tradingUrl, credentials });
  const recorded: Record<string, number> = {};
  const metrics: OpsMetrics = { record: (name, value) => (recorded[name] = value) };
  const { bodies, reports } = localOpsJobs({
    config,
    broker,
    engineApiUrl: () => connection.engineApi,
    dynamo: { document: client, raw: rawClient },
    clock: systemClock,
    metrics,
    log: SILENT,
    feesFile: flags.fees,
    dataFolder: flags.data,
  });
  try {
    const report = await runOpsJob(
      flags.job,
      {
        runId: `cli-${flags.job}-${systemClock.nowMs()}`,
        clock: systemClock,
        reports,
        metrics,
        log: SILENT,
      },
      () => bodies[flags.job]('on-demand'),
    );
    if (flags.json) console.log(JSON.stringify({ report, metrics: recorded, against: connection }, null, 2));
    else
      console.log(
        `${renderOpsReport(report)}\n\n(against the ${connection.source}: engine ${connection.engineApi})`,
      );
    return EXIT[report.outcome];
  } finally {
    await broker.close();
    client.destroy();
    rawClient.destroy();
  }
}

process.exitCode = await main(process.argv.slice(2));
