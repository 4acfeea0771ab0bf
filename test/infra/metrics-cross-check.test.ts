/**
 * The alarms and dashboards against what the code emits. Every metric of the app's namespace that
 * an alarm or a dashboard of any environment uses (namespace, name, dimension names and values, and
 * the unit where an alarm names one) must be one the running code declares in its EMF lines;
 * otherwise the alarm watches a metric that never gets a data point and stays quiet forever.
 *
 * Both sides are read, neither is listed here. The used side from the synthesized templates:
 * alarms (single-metric and math-expression) and dashboard bodies (metric rows and alarm widgets).
 * The emitted side from real runs: the engine process on the simulator (an order round trip, a
 * tripped breaker, the last publish on SIGTERM) and every scheduled function's handler with its
 * production metrics object, each driven into the outcomes that carry its alarm metrics (a
 * reconciliation difference, a lapsed lease whose cancel fails, an unreadable lease). The account
 * dimension differs by construction (this run's account against each deployed one) and is compared
 * as `<account>` once both sides are checked to carry their own account there.
 */
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_METRIC_NAMESPACE, ENGINE_METRIC_SERVICE } from '../../engine/metrics/engine-metrics.ts';
import { createBackupHandler } from '../../functions/backup/backup-handler.ts';
import {
  FUNCTION_METRIC_NAMESPACE,
  FUNCTION_SERVICES,
  type FunctionService,
  functionMetrics,
} from '../../functions/ops/function-metrics.ts';
import { createPostMarketReportHandler } from '../../functions/post-market-report/post-market-report-handler.ts';
import { createPremarketHandler } from '../../functions/premarket/premarket-handler.ts';
import { createReconcileHandler } from '../../functions/reconcile/reconcile-handler.ts';
import { createWatchdogHandler } from '../../functions/watchdog/watchdog-handler.ts';
import { loadEnvironmentDeployment } from '../../infra/deployment-config.ts';
import { METRIC_NAMESPACE } from '../../infra/trading-metric.ts';
import { EngineApiClient } from '../../shared/api/engine-api-client.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { loadConfig, loadFeeRates } from '../../shared/config/load-config.ts';
import { ENVIRONMENTS, type Environment } from '../../shared/config/system-schema.ts';
import { parseFixed, ZERO } from '../../shared/domain/fixed.ts';
import { type EmfMetricReading, readEmfMetrics } from '../../shared/metrics/emf.ts';
import { configFilesIn } from '../../shared/ops/config-snapshot.ts';
import type { OpsJob } from '../../shared/ops/ops-report.ts';
import { S3ArtifactStore } from '../../shared/ops/s3-artifact-store.ts';
import { DynamoLeaseStore } from '../../shared/store/dynamo-lease-store.ts';
import { LEASE_KEYS } from '../../shared/store/table-definitions.ts';
import { ManualClock, systemClock } from '../../shared/time/clock.ts';
import { TEST_API_TOKENS } from '../support/api-tokens.ts';
import {
  type EngineOnSimulator,
  pullKillSwitchOnAdoptedPosition,
  SHIPPED_RISK_FILE,
  startEngineOnSimulator,
} from '../support/engine-on-simulator.ts';
import { ROOT } from '../support/engine-process.ts';
import { resourcesOf, synthEnvironment } from '../support/infra-stacks.ts';
import { captureOutput, lambdaContext } from '../support/lambda-harness.ts';
import { type LocalS3, startLocalS3 } from '../support/local-s3.ts';
import { tempFolder } from '../support/temp-files.ts';

/** The account of this run's engine and functions; every deployed account is compared as ACCOUNT_SLOT. */
const RUN_ACCOUNT = 'xcheck-acct';
const ACCOUNT_SLOT = '<account>';
const BUCKET = 'xcheck-ops';

/** One metric as an alarm or dashboard uses it, or as an EMF line declares it. */
interface MetricUse {
  readonly namespace: string;
  readonly metricName: string;
  /** Name to value; a value CloudFormation resolves at deploy time is kept as its JSON. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly unit: string | undefined;
  /** Which alarm or dashboard widget, of which stack. */
  readonly usedBy: string;
}

interface EnvironmentUses {
  readonly uses: readonly MetricUse[];
  /** Alarm widgets' entries that name no alarm of their stack. */
  readonly unresolvedAlarms: readonly string[];
}

interface CfnDimension {
  readonly Name: string;
  readonly Value: unknown;
}

interface CfnMetric {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly CfnDimension[];
}

interface CfnAlarm extends CfnMetric {
  readonly Unit?: string;
  readonly Metrics?: readonly {
    readonly MetricStat?: { readonly Metric: CfnMetric; readonly Unit?: string };
  }[];
}

interface DashboardWidget {
  readonly type: string;
  readonly properties?: {
    readonly title?: string;
    readonly metrics?: readonly unknown[];
    readonly alarms?: readonly string[];
    readonly annotations?: { readonly alarms?: readonly string[] };
  };
}

/** Every metric of METRIC_NAMESPACE the environment's alarms and dashboards use, account values as ACCOUNT_SLOT. */
function environmentUses(environment: Environment): EnvironmentUses {
  const synthesized = synthEnvironment(environment);
  const accounts = loadEnvironmentDeployment(environment).accounts.map(({ name }) => name);
  const stacks = [
    { label: `shared stack (${environment})`, template: synthesized.shared, accounts },
    ...accounts.map((name) => ({
      label: `${name} stack (${environment})`,
      template: synthesized.account(name),
      accounts: [name],
    })),
  ];
  const uses: MetricUse[] = [];
  const unresolvedAlarms: string[] = [];
  for (const { label, template, accounts: stackAccounts } of stacks) {
    // A stack's own account in the `account` dimension becomes the slot; anything else stays and cannot match.
    const own = (use: MetricUse): MetricUse => {
      const account = use.dimensions.account;
      return account !== undefined && stackAccounts.includes(account)
        ? { ...use, dimensions: { ...use.dimensions, account: ACCOUNT_SLOT } }
        : use;
    };
    const resources = Object.entries(resourcesOf(template));
    const alarms = new Map<string, MetricUse[]>();
    for (const [id, resource] of resources) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
      const found = alarmMetrics(resource.Properties as CfnAlarm, `${label}: alarm ${id}`).map(own);
      alarms.set(id, found);
      uses.push(...found);
    }
    for (const [id, resource] of resources) {
      if (resource.Type !== 'AWS::CloudWatch::Dashboard') continue;
      const { body, tokens } = dashboardBody(resource.Properties.DashboardBody);
      for (const widget of body.widgets) {
        const usedBy = `${label}: dashboard ${id}, ${widget.type} widget "${widget.properties?.title ?? ''}"`;
        uses.push(...metricRows(widget.properties?.metrics ?? [], usedBy).map(own));
        for (const entry of [
          ...(widget.properties?.alarms ?? []),
          ...(widget.properties?.annotations?.alarms ?? []),
        ]) {
          const alarmId = alarmIdOf(entry, tokens);
          const alarm = alarmId === undefined ? undefined : alarms.get(alarmId);
          if (alarm === undefined) unresolvedAlarms.push(`${usedBy}: ${entry}`);
          else uses.push(...alarm.map((use) => ({ ...use, usedBy: `${usedBy} (alarm ${alarmId})` })));
        }
      }
    }
  }
  return { uses: uses.filter(({ namespace }) => namespace === METRIC_NAMESPACE), unresolvedAlarms };
}

/** An alarm's metric: its own, or each metric of its math expression. */
function alarmMetrics(alarm: CfnAlarm, usedBy: string): MetricUse[] {
  const metrics: { readonly metric: CfnMetric; readonly unit: string | undefined }[] = [];
  if (alarm.MetricName !== undefined) metrics.push({ metric: alarm, unit: alarm.Unit });
  for (const query of alarm.Metrics ?? [])
    if (query.MetricStat !== undefined)
      metrics.push({ metric: query.MetricStat.Metric, unit: query.MetricStat.Unit });
  return metrics.map(({ metric, unit }) => ({
    namespace: String(metric.Namespace),
    metricName: String(metric.MetricName),
    dimensions: Object.fromEntries(
      (metric.Dimensions ?? []).map(({ Name, Value }) => [
        Name,
        typeof Value === 'string' ? Value : JSON.stringify(Value),
      ]),
    ),
    unit,
    usedBy,
  }));
}

/**
 * A DashboardBody as the JSON it becomes at deploy time: a string, or an Fn::Join of strings and
 * tokens (a region, a function's name, an alarm's ARN), each token kept as a `${token:N}` placeholder.
 */
function dashboardBody(property: unknown): {
  body: { readonly widgets: readonly DashboardWidget[] };
  tokens: readonly unknown[];
} {
  if (typeof property === 'string') return { body: JSON.parse(property), tokens: [] };
  const join = (property as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join === undefined)
    throw new Error(`a DashboardBody neither a string nor an Fn::Join: ${JSON.stringify(property)}`);
  const [separator, parts] = join;
  const tokens: unknown[] = [];
  const text = parts
    .map((part) => (typeof part === 'string' ? part : `\${token:${tokens.push(part) - 1}}`))
    .join(separator);
  return { body: JSON.parse(text), tokens };
}

/** A metric widget's rows: [namespace, name, dimension, value, …, {options}], "." repeating the row above. */
function metricRows(rows: readonly unknown[], usedBy: string): MetricUse[] {
  const uses: MetricUse[] = [];
  let previous: readonly string[] = [];
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const fields = row
      .filter((field): field is string => typeof field === 'string')
      .map((field, index) => (field === '.' ? (previous[index] ?? field) : field));
    previous = fields;
    // A row of options alone is a math expression over the widget's other rows.
    if (fields.length < 2) continue;
    const [namespace, metricName, ...pairs] = fields as [string, string, ...string[]];
    const dimensions: Record<string, string> = {};
    for (let index = 0; index + 1 < pairs.length; index += 2) dimensions[pairs[index]!] = pairs[index + 1]!;
    uses.push({ namespace, metricName, dimensions, unit: undefined, usedBy });
  }
  return uses;
}

/** The logical id of the alarm an alarm widget's ARN is a GetAtt of, when it is one. */
function alarmIdOf(entry: string, tokens: readonly unknown[]): string | undefined {
  const placeholder = /^\$\{token:(\d+)\}$/.exec(entry);
  if (placeholder === null) return undefined;
  const getAtt = (tokens[Number(placeholder[1])] as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  return getAtt?.[1] === 'Arn' ? getAtt[0] : undefined;
}

/** Namespace, name and dimensions (in name order): what makes two uses the same CloudWatch metric. */
function metricKey(use: Pick<MetricUse, 'namespace' | 'metricName' | 'dimensions'>): string {
  const dimensions = Object.entries(use.dimensions).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([use.namespace, use.metricName, dimensions]);
}

function describeMetric(use: Pick<MetricUse, 'namespace' | 'metricName' | 'dimensions'>): string {
  const dimensions = Object.entries(use.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
  return `${use.namespace} ${use.metricName} {${dimensions.join(', ')}}`;
}

function scheduledEvent(job: OpsJob) {
  return {
    job,
    trigger: 'schedule',
    scheduledTime: new Date().toISOString(),
    executionId: `xcheck-${job}`,
  };
}

type LambdaHandler = (event: unknown, context: never) => Promise<unknown>;

describe('Cross-check: the Trading metrics of the alarms and dashboards are the ones the code emits', () => {
  const folder = tempFolder();
  let stack: EngineOnSimulator | undefined;
  let s3: LocalS3 | undefined;
  let broker: AlpacaTradingClient | undefined;
  const used = new Map<Environment, EnvironmentUses>();
  /** What every run declared, with the run it came from. */
  const emitted: (EmfMetricReading & { readonly source: string })[] = [];
  const outcomes: Record<string, unknown> = {};
  let runs = 0;

  /** Runs a function's handler once with its production metrics object, keeping its EMF lines. */
  async function runFunction(
    service: FunctionService,
    build: (parts: { logger: Logger; metrics: Metrics }) => LambdaHandler,
    event: unknown,
  ): Promise<unknown> {
    runs += 1;
    const handler = build({
      logger: new Logger({ serviceName: service }),
      metrics: functionMetrics(service, RUN_ACCOUNT),
    });
    const { result, lines } = await captureOutput(() =>
      handler(event, lambdaContext(service, `xcheck-${runs}`) as never),
    );
    for (const line of lines)
      for (const reading of readEmfMetrics(JSON.stringify(line)))
        emitted.push({ ...reading, source: `the ${service} function` });
    return result;
  }

  beforeAll(async () => {
    for (const environment of ENVIRONMENTS) used.set(environment, environmentUses(environment));

    const engine = await startEngineOnSimulator({
      folder,
      tablePrefix: 'metrics-xcheck',
      account: RUN_ACCOUNT,
      seed: 21,
      cloudwatchMetrics: { intervalSeconds: 1 },
    });
    stack = engine;
    s3 = await startLocalS3({ buckets: [BUCKET] });
    broker = new AlpacaTradingClient({
      baseUrl: engine.simulator.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    const trading = broker;
    const { store } = engine;
    const engineApi = async () =>
      new EngineApiClient({ baseUrl: engine.api, token: TEST_API_TOKENS.read, timeoutMs: 2_000 });
    const leases = new DynamoLeaseStore({
      client: engine.client,
      table: engine.dynamo.tables.lease,
      account: RUN_ACCOUNT,
    });

    // The engine: an order round trip and a tripped breaker, then three more publishes.
    await pullKillSwitchOnAdoptedPosition(engine, {
      clientOrderId: 'xcheck-manual-buy',
      reason: 'metrics cross-check',
    });
    await engine.venue.until(
      'the kill switch flattening AAPL',
      () => engine.venue.positions(),
      (positions) => positions.AAPL === undefined,
    );
    const publishes = () => engine.engine.lines.filter((line) => readEmfMetrics(line).length > 0).length;
    const before = publishes();
    await engine.venue.until(
      'three more EMF publishes',
      async () => publishes(),
      (count) => count >= before + 3,
    );

    // Pre-market check and reconciliation ask the running engine's API; the store holds an MSFT
    // position that neither the engine nor the broker has, a difference to report.
    await runFunction(
      FUNCTION_SERVICES.premarket,
      (parts) =>
        createPremarketHandler({
          ...parts,
          broker: async () => trading,
          engine: engineApi,
          leases,
          config: () => loadConfig({ systemFile: engine.configFile, riskFile: SHIPPED_RISK_FILE, env: {} }),
          reports: store,
          clock: systemClock,
        }),
      scheduledEvent('premarket'),
    );
    await store.putPosition({
      symbol: 'MSFT',
      assetClass: 'us_equity',
      qty: parseFixed('5'),
      avgEntryPrice: parseFixed('100'),
      realizedPnl: ZERO,
      asOfMs: Date.now(),
    });
    outcomes.reconcile = await runFunction(
      FUNCTION_SERVICES.reconcile,
      (parts) =>
        createReconcileHandler({
          ...parts,
          broker: async () => trading,
          engine: engineApi,
          store,
          reports: store,
          confirmAfterMs: 200,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          clock: systemClock,
        }),
      scheduledEvent('reconcile'),
    );

    // SIGTERM: the last publish, after the lease is released.
    engine.engine.child.kill('SIGTERM');
    outcomes.engineExit = await engine.engine.exited;
    for (const line of engine.engine.lines)
      for (const reading of readEmfMetrics(line)) emitted.push({ ...reading, source: 'the engine' });

    // The day's report (on demand: the simulator's market never closes) and the config backup.
    const artifacts = new S3ArtifactStore({ client: s3.client, bucket: BUCKET });
    await runFunction(
      FUNCTION_SERVICES.report,
      (parts) =>
        createPostMarketReportHandler({
          ...parts,
          store,
          broker: async () => trading,
          artifacts,
          feeRates: () => loadFeeRates(join(ROOT, 'config/fees.toml')),
          clock: systemClock,
        }),
      { job: 'report', trigger: 'on-demand' },
    );
    await runFunction(
      FUNCTION_SERVICES.backup,
      (parts) =>
        createBackupHandler({
          ...parts,
          artifacts,
          configFiles: () => configFilesIn(join(ROOT, 'config')),
          reports: store,
          clock: systemClock,
        }),
      scheduledEvent('backup'),
    );

    // The watchdog: an engine that vanished without releasing its lease, whose orders the broker
    // will not cancel; then a lease item it cannot read.
    const clock = new ManualClock(Date.now());
    const taken = await leases.acquire({ holderId: 'engine-gone', nowMs: clock.nowMs(), ttlMs: 10_000 });
    outcomes.leaseTaken = taken.ok;
    clock.advanceMs(12_000);
    await engine.venue.fault({ kind: 'status', status: 500, method: 'DELETE', path: '/v2/orders' });
    const watchdog = (parts: { logger: Logger; metrics: Metrics }) =>
      createWatchdogHandler({ ...parts, leases, broker: async () => trading, clock, waitForOverdueMs: 0 });
    outcomes.lapsed = await runFunction(FUNCTION_SERVICES.watchdog, watchdog, {});
    await engine.client.send(
      new PutCommand({
        TableName: engine.dynamo.tables.lease,
        Item: { [LEASE_KEYS.partition]: RUN_ACCOUNT, holderId: 'garbled' },
      }),
    );
    outcomes.unreadable = await runFunction(FUNCTION_SERVICES.watchdog, watchdog, {});
  }, 240_000);

  afterAll(async () => {
    await broker?.close();
    await s3?.close();
    await stack?.close();
    folder.remove();
  });

  it('drove every run to the outcomes that carry the conditional metrics', () => {
    expect(outcomes.engineExit).toBe(0);
    expect(outcomes.reconcile).toMatchObject({ outcome: 'problems' });
    expect(outcomes.leaseTaken).toBe(true);
    expect(outcomes.lapsed).toMatchObject({ outcome: 'cancel_failed', summary: { failed: 1 } });
    expect(outcomes.unreadable).toMatchObject({ outcome: 'unreadable' });
  });

  it('emitted, from each run, metrics under its own service and the run’s account only', () => {
    const services = new Map<string, Set<string>>();
    for (const { source, namespace, dimensions } of emitted) {
      expect([ENGINE_METRIC_NAMESPACE, FUNCTION_METRIC_NAMESPACE], source).toContain(namespace);
      expect(dimensions.account, `${source}: account`).toBe(RUN_ACCOUNT);
      services.set(source, (services.get(source) ?? new Set()).add(String(dimensions.service)));
    }
    expect(Object.fromEntries([...services].map(([source, names]) => [source, [...names]]))).toStrictEqual({
      'the engine': [ENGINE_METRIC_SERVICE],
      ...Object.fromEntries(
        [
          FUNCTION_SERVICES.premarket,
          FUNCTION_SERVICES.reconcile,
          FUNCTION_SERVICES.report,
          FUNCTION_SERVICES.backup,
          FUNCTION_SERVICES.watchdog,
        ].map((service) => [`the ${service} function`, [service]]),
      ),
    });
  });

  it.each(ENVIRONMENTS)(
    '%s: alarms and dashboards use metrics of the engine and of the functions, every alarm widget resolved',
    (environment) => {
      const { uses, unresolvedAlarms } = used.get(environment)!;
      expect(unresolvedAlarms).toStrictEqual([]);
      expect(uses.some(({ usedBy }) => usedBy.includes(': alarm '))).toBe(true);
      expect(uses.some(({ usedBy }) => usedBy.includes(': dashboard '))).toBe(true);
      const services = uses.map(({ dimensions }) => dimensions.service);
      expect(services).toContain(ENGINE_METRIC_SERVICE);
      expect(Object.values(FUNCTION_SERVICES).some((service) => services.includes(service))).toBe(true);
    },
  );

  it.each(ENVIRONMENTS)(
    '%s: every Trading metric an alarm or dashboard uses has exactly the dimensions service and account',
    (environment) => {
      const extra = used
        .get(environment)!
        .uses.filter(({ dimensions }) => Object.keys(dimensions).sort().join() !== 'account,service')
        .map((use) => `${describeMetric(use)} used by ${use.usedBy}`);
      expect(extra).toStrictEqual([]);
    },
  );

  it.each(ENVIRONMENTS)(
    '%s: every Trading metric an alarm or dashboard uses is emitted, by namespace, name, dimensions and unit',
    (environment) => {
      const units = new Map<string, Set<string | undefined>>();
      for (const reading of emitted) {
        const slotted = {
          ...reading,
          dimensions:
            reading.dimensions.account === RUN_ACCOUNT
              ? { ...reading.dimensions, account: ACCOUNT_SLOT }
              : reading.dimensions,
        };
        const key = metricKey(slotted);
        units.set(key, (units.get(key) ?? new Set()).add(reading.unit));
      }
      const problems = new Map<string, { readonly service: string | undefined; usedBy: string[] }>();
      for (const use of used.get(environment)!.uses) {
        const emittedUnits = units.get(metricKey(use));
        const problem =
          emittedUnits === undefined
            ? `${describeMetric(use)} is emitted by no run`
            : use.unit !== undefined && !emittedUnits.has(use.unit)
              ? `${describeMetric(use)} in ${use.unit} is emitted in ${[...emittedUnits].join(', ')}`
              : undefined;
        if (problem === undefined) continue;
        const entry = problems.get(problem) ?? { service: use.dimensions.service, usedBy: [] };
        entry.usedBy.push(use.usedBy);
        problems.set(problem, entry);
      }
      const emittedFor = (service: string | undefined) =>
        [
          ...new Set(
            emitted
              .filter(({ dimensions }) => dimensions.service === service)
              .map(({ metricName }) => metricName),
          ),
        ]
          .sort()
          .join(', ') || 'nothing';
      const report = [...problems].map(
        ([problem, { service, usedBy }]) =>
          `${problem}
  used by ${usedBy.join('\n  used by ')}
  emitted for service ${service}: ${emittedFor(service)}`,
      );
      expect(report, 'used by an alarm or a dashboard, emitted by no run').toStrictEqual([]);
      expect(used.get(environment)!.uses.length).toBeGreaterThan(0);
    },
  );
});
