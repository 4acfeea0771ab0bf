import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { buildSignalGenerators } from '../functions/signals/build-signal-generators.ts';
import { type LocalWatchdog, startLocalWatchdog } from '../functions/watchdog/local-watchdog-timer.ts';
import type { Config } from '../shared/config/load-config.ts';
import type { StrategyModels } from '../shared/config/strategy-models.ts';
import type { SystemConfig } from '../shared/config/system-schema.ts';
import { prometheusOpsMetrics } from '../shared/ops/prometheus-ops-metrics.ts';
import type { OpsJobLog } from '../shared/ops/run-ops-job.ts';
import type { BarWindowSignalGenerator } from '../shared/signals/bar-window-signal-generator.ts';
import { createDocumentClient, createDynamoClient } from '../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../shared/store/dynamo-lease-store.ts';
import type { Clock } from '../shared/time/clock.ts';
import type { OrderCanceller } from '../shared/watchdog/lease-watchdog.ts';
import { type LocalDynamo, startLocalDynamo } from './local-dynamo.ts';
import { type LocalSignalFunction, startLocalSignalFunction } from './local-signal-function.ts';
import { type LocalSqs, startLocalSqs } from './local-sqs.ts';
import { localOpsJobs, type OpsJobParts } from './ops-jobs.ts';
import { type OpsScheduler, startOpsScheduler } from './ops-scheduler.ts';

export interface LocalStackOptions {
  /** store.endpoint (port), store.tablePrefix, store.region, account.name, signals and strategies are used. */
  readonly system: Pick<SystemConfig, 'store' | 'account' | 'signals' | 'strategies' | 'marketData'>;
  /** What the signal function runs; by default those of the configured strategies. */
  readonly generators?: readonly BarWindowSignalGenerator[];
  /** The models of model-driven strategies (the config loader's), for the default generators. */
  readonly models?: StrategyModels;
  /** LevelDB folder, e.g. .data/dynamo; in memory when absent. */
  readonly dataPath?: string;
  readonly broker: OrderCanceller;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly watchdogIntervalMs?: number;
  /** The scheduled operations jobs on their New York schedules, as the Lambdas run them in AWS. */
  readonly ops?: {
    readonly config: Config;
    readonly broker: OpsJobParts['broker'];
    /** The engine's API, asked at each run (a local engine's port is known only once it started). */
    readonly engineApiUrl: () => string;
    readonly engineApiToken?: string;
    readonly feesFile: string;
    /** Reports and backups go beside it (`.data/dynamo` → `.data/reports`, `.data/backups`). */
    readonly dataFolder: string;
  };
}

export interface LocalStack {
  readonly dynamo: LocalDynamo;
  readonly watchdog: LocalWatchdog;
  /** With a `signals` config: the SQS API and the signal function. */
  readonly sqs: LocalSqs | undefined;
  readonly signalFunction: LocalSignalFunction | undefined;
  readonly opsScheduler: OpsScheduler | undefined;
  close(): Promise<void>;
}

/** The port of a loopback endpoint (`key` names it in the error), or 0 (any free port) when none is configured. */
export function localEndpointPort(endpoint: string | undefined, key = 'store.endpoint'): number {
  if (endpoint === undefined) return 0;
  const url = new URL(endpoint);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw new Error(`${key} ${endpoint} is not on loopback; the local stack serves 127.0.0.1 only`);
  }
  return url.port === '' ? 80 : Number(url.port);
}

async function startSignalPath(
  options: LocalStackOptions,
  dynamo: LocalDynamo,
): Promise<{ sqs: LocalSqs; signalFunction: LocalSignalFunction } | undefined> {
  const { signals, strategies, marketData } = options.system;
  if (signals === undefined) return undefined;
  const queue = (name: string) => ({
    name,
    visibilityTimeoutSeconds: signals.function.visibilityTimeoutSeconds,
    maxReceiveCount: signals.function.maxReceiveCount,
  });
  const sqs = await startLocalSqs({
    port: localEndpointPort(signals.endpoint, 'signals.endpoint'),
    region: signals.region,
    queues: [queue(signals.barsQueue), queue(signals.signalsQueue)],
  });
  const signalFunction = startLocalSignalFunction({
    sqsEndpoint: sqs.endpoint,
    dynamoEndpoint: dynamo.endpoint,
    region: signals.region,
    barsQueue: sqs.queues.get(signals.barsQueue)!,
    signalsQueue: sqs.queues.get(signals.signalsQueue)!,
    idempotencyTable: dynamo.tables.idempotency,
    idempotencyTtlSeconds: signals.function.idempotencyTtlSeconds,
    generators:
      options.generators ??
      buildSignalGenerators(strategies, marketData.symbols, options.models ?? new Map()),
    eventSource: {
      batchSize: signals.function.batchSize,
      batchWindowMs: signals.function.batchWindowMs,
      waitTimeSeconds: 20,
      concurrency: signals.function.concurrency,
      timeoutMs: signals.function.visibilityTimeoutSeconds * 1_000,
    },
    clock: options.clock,
    logger: options.logger,
  });
  return { sqs, signalFunction };
}

function startOps(
  options: LocalStackOptions,
  client: ReturnType<typeof createDocumentClient>,
  rawClient: DynamoDBClient,
): OpsScheduler | undefined {
  if (options.ops === undefined) return undefined;
  const { ops } = options;
  const metrics = prometheusOpsMetrics(options.registry);
  const logger = options.logger.child({ component: 'ops' });
  const log: OpsJobLog = {
    info: (message, fields) => logger.info(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
  const { bodies, reports } = localOpsJobs({
    config: ops.config,
    broker: ops.broker,
    engineApiUrl: ops.engineApiUrl,
    ...(ops.engineApiToken === undefined ? {} : { engineApiToken: ops.engineApiToken }),
    dynamo: { document: client, raw: rawClient },
    clock: options.clock,
    metrics,
    log,
    feesFile: ops.feesFile,
    dataFolder: ops.dataFolder,
  });
  return startOpsScheduler({
    bodies,
    runner: {
      clock: options.clock,
      reports,
      metrics,
      log,
    },
  });
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { store, account } = options.system;
  const dynamo = await startLocalDynamo({
    port: localEndpointPort(store.endpoint),
    tablePrefix: store.tablePrefix,
    region: store.region,
    ...(options.dataPath === undefined ? {} : { path: options.dataPath }),
  });
  const client = createDocumentClient({ region: store.region, endpoint: dynamo.endpoint });
  const watchdog = startLocalWatchdog({
    leases: new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: account.name }),
    broker: options.broker,
    clock: options.clock,
    logger: options.logger,
    registry: options.registry,
    ...(options.watchdogIntervalMs === undefined ? {} : { intervalMs: options.watchdogIntervalMs }),
    onRun: (outcome) => {
      if (outcome.outcome === 'cancelled' || outcome.outcome === 'cancel_failed') {
        options.logger.error({ outcome }, 'P0: engine lease lapsed without a clean stop');
      }
    },
  });
  const rawClient = createDynamoClient({ region: store.region, endpoint: dynamo.endpoint });
  const opsScheduler = startOps(options, client, rawClient);
  let signalPath: Awaited<ReturnType<typeof startSignalPath>>;
  try {
    signalPath = await startSignalPath(options, dynamo);
  } catch (error) {
    opsScheduler?.close();
    await watchdog.close();
    client.destroy();
    rawClient.destroy();
    await dynamo.close();
    throw error;
  }
  options.logger.info(
    {
      endpoint: dynamo.endpoint,
      tables: dynamo.tables,
      ...(signalPath === undefined
        ? {}
        : { sqsEndpoint: signalPath.sqs.endpoint, queues: [...signalPath.sqs.queues.keys()] }),
    },
    'local stack started',
  );
  return {
    dynamo,
    watchdog,
    sqs: signalPath?.sqs,
    signalFunction: signalPath?.signalFunction,
    opsScheduler,
    async close() {
      opsScheduler?.close();
      await signalPath?.signalFunction.close();
      await signalPath?.sqs.close();
      await watchdog.close();
      client.destroy();
      rawClient.destroy();
      await dynamo.close();
    },
  };
}
