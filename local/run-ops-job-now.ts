/**
 * One scheduled job run now, on demand, as `npm run job` and `npm run ctl -- reconcile|backup` run
 * it: against the local stack `npm start` runs (found through its endpoints file) or the
 * environment a config names, with the same job code the schedules run. The report is stored and
 * returned with the metrics the run recorded; the job's own log lines are not printed, since the
 * report says it all.
 */
import { AlpacaTradingClient } from '../shared/broker/alpaca/trading-client.ts';
import { CredentialsError, loadBrokerCredentials } from '../shared/config/broker-credentials.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';
import type { OpsMetrics } from '../shared/ops/ops-metrics.ts';
import type { OpsJob, OpsReport } from '../shared/ops/ops-report.ts';
import { renderOpsReport } from '../shared/ops/ops-table.ts';
import { describeError, type OpsJobLog, runOpsJob } from '../shared/ops/run-ops-job.ts';
import { createDocumentClient, createDynamoClient } from '../shared/store/dynamo-client.ts';
import { systemClock } from '../shared/time/clock.ts';
import { type OpsConnection, resolveOpsConnection } from './ops-connection.ts';
import { localOpsJobs } from './ops-jobs.ts';

const SILENT: OpsJobLog = { info: () => {}, error: () => {} };

export interface OpsJobNowOptions {
  readonly job: OpsJob;
  readonly configFile: string;
  /** Defaults to risk_limits.toml beside the config. */
  readonly riskFile?: string;
  /** The local stack's data folder (`.data/dynamo`). */
  readonly dataFolder: string;
  readonly feesFile: string;
  /** The engine API and its read token, when not the local stack's or the config's. */
  readonly engine?: { readonly url: string; readonly token: string | undefined };
  readonly env: NodeJS.ProcessEnv;
}

export type OpsJobNow =
  | {
      readonly ok: true;
      readonly report: OpsReport;
      readonly metrics: Readonly<Record<string, number>>;
      readonly against: OpsConnection;
    }
  /** The job could not start: the config is invalid (its problems are on stderr) or an address or a key is missing. */
  | { readonly ok: false; readonly problem: string };

export async function runOpsJobNow(options: OpsJobNowOptions): Promise<OpsJobNow> {
  const config = loadConfigOrReport({
    systemFile: options.configFile,
    ...(options.riskFile === undefined ? {} : { riskFile: options.riskFile }),
  });
  if (config === null) return { ok: false, problem: `${options.configFile} is not a usable config` };
  const { system } = config;
  let connection: OpsConnection;
  let credentials: Awaited<ReturnType<typeof loadBrokerCredentials>>;
  try {
    connection = resolveOpsConnection({
      config,
      dataFolder: options.dataFolder,
      ...(options.engine === undefined ? {} : { engineUrl: options.engine.url }),
    });
    credentials = await loadBrokerCredentials({ system, env: options.env });
  } catch (error) {
    return { ok: false, problem: error instanceof CredentialsError ? error.message : describeError(error) };
  }
  const engineApiToken = options.engine === undefined ? connection.engineApiToken : options.engine.token;
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
    ...(engineApiToken === undefined ? {} : { engineApiToken }),
    dynamo: { document: client, raw: rawClient },
    clock: systemClock,
    metrics,
    log: SILENT,
    feesFile: options.feesFile,
    dataFolder: options.dataFolder,
  });
  try {
    const report = await runOpsJob(
      options.job,
      {
        runId: `cli-${options.job}-${systemClock.nowMs()}`,
        clock: systemClock,
        reports,
        metrics,
        log: SILENT,
      },
      () => bodies[options.job]('on-demand'),
    );
    return { ok: true, report, metrics: recorded, against: connection };
  } finally {
    await broker.close();
    client.destroy();
    rawClient.destroy();
  }
}

/** The run for a script: the report, the metrics it set and where it ran (never the token). */
export function opsJobNowSummary(run: Extract<OpsJobNow, { ok: true }>) {
  const { engineApiToken: _token, ...against } = run.against;
  return { report: run.report, metrics: run.metrics, against };
}

/** The run for a person: the report's table and where it ran. */
export function opsJobNowText(run: Extract<OpsJobNow, { ok: true }>): string {
  return `${renderOpsReport(run.report)}\n\n(against the ${run.against.source}: engine ${run.against.engineApi})`;
}
