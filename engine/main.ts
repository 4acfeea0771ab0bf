/**
 * The engine process: node engine/main.ts [--config FILE] [--risk FILE]
 * (or TRADING_CONFIG_FILE / TRADING_RISK_FILE in the environment, as a container is configured).
 * Locally `npm start` runs it beside the simulator and the local AWS stand-ins; in AWS it is the
 * Fargate task's command. Wiring only: read config and keys, build the engine, serve the
 * operator API, stop cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { tokensFromEnvironment } from '../shared/api/api-tokens.ts';
import { CredentialsError, loadBrokerCredentials } from '../shared/config/broker-credentials.ts';
import { chooseConfigFiles } from '../shared/config/config-files.ts';
import { loadConfigOrReport } from '../shared/config/load-config.ts';
import { createLogger, stdoutDestination } from '../shared/logging/logger.ts';
import { processSecrets } from '../shared/logging/secret-registry.ts';
import { systemClock } from '../shared/time/clock.ts';
import { startEngineApi } from './api/engine-api.ts';
import { loadDashboardPage } from './dashboard/dashboard-page.ts';
import { startCloudWatchMetrics } from './metrics/cloudwatch-metrics-publisher.ts';
import { EVENT_LOOP_RESOLUTION_MS } from './metrics/event-loop-delay.ts';
import { EngineNotifier } from './notifications/engine-notifier.ts';
import { notificationSettingsFromEnv, notificationSinks } from './notifications/notification-sinks.ts';
import { createPersistence } from './persistence/persistence.ts';
import { buildStrategies } from './strategy/build-strategies.ts';
import { TradingEngine } from './trading-engine.ts';

const USAGE =
  'usage: node engine/main.ts [--config FILE] [--risk FILE] (or TRADING_CONFIG_FILE, TRADING_RISK_FILE)';

async function main(): Promise<number> {
  let values: { config?: string; risk?: string };
  try {
    values = parseArgs({ options: { config: { type: 'string' }, risk: { type: 'string' } } }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const files = chooseConfigFiles(values, process.env);
  if (!files.ok) {
    console.error(`${files.problems.join('\n')}\n${USAGE}`);
    return 2;
  }
  const config = loadConfigOrReport(files.files);
  if (config === null) return 1;
  const { system } = config;
  // Log lines and EMF metric lines share this one stream, so neither cuts into the other.
  const stdout = stdoutDestination();
  const logger = createLogger({ name: 'engine', level: system.logging.level, destination: stdout });

  let credentials: Awaited<ReturnType<typeof loadBrokerCredentials>>;
  try {
    credentials = await loadBrokerCredentials({
      system,
      env: process.env,
    });
  } catch (error) {
    if (error instanceof CredentialsError) {
      logger.fatal(error.message);
      return 1;
    }
    throw error;
  }
  const apiTokens = tokensFromEnvironment(process.env);
  for (const token of Object.values(apiTokens.tokens)) processSecrets.register(token);
  if (apiTokens.problems.length > 0) {
    for (const problem of apiTokens.problems) logger.fatal(problem);
    return 1;
  }
  if (Object.keys(apiTokens.tokens).length === 0)
    logger.warn(
      'no API token is set (TRADING_READ_TOKEN, TRADING_OPERATOR_TOKEN, TRADING_ADMIN_TOKEN): only /health and /ready answer',
    );
  processSecrets.register(process.env.TRADING_NOTIFY_WEBHOOK_URL || undefined);
  const notifications = notificationSettingsFromEnv(process.env);
  if (!notifications.ok) {
    for (const problem of notifications.problems) logger.fatal(problem);
    return 1;
  }

  const registry = new Registry();
  // The same sampling period as the CloudWatch metric's, so a reader can take it off both alike.
  collectDefaultMetrics({
    register: registry,
    prefix: 'engine_',
    eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS,
  });
  const sinks = notificationSinks(notifications.settings);
  logger.info({ sinks: sinks.map((sink) => sink.name) }, 'notifications: the log, and these sinks');
  const notifier = new EngineNotifier({
    account: system.account.name,
    environment: system.environment,
    sinks,
    feedDownAfterMs: system.marketData.staleAfterMs,
    clock: systemClock,
    logger: logger.child({ component: 'notifications' }),
    registry,
  });
  // The lease's loss callback must reach the engine, which is built after persistence.
  let onLeaseLost: (reason: string) => void = () => undefined;
  const leaseTtlMs = system.store.leaseTtlMs;
  const persistence = createPersistence({
    store: system.store,
    accountName: system.account.name,
    clock: systemClock,
    logger: logger.child({ component: 'persistence' }),
    registry,
    onLeaseLost: (loss) => onLeaseLost(loss.message),
    ...(leaseTtlMs === undefined
      ? {}
      : {
          lease: {
            ttlMs: leaseTtlMs,
            renewEveryMs: Math.floor(leaseTtlMs / 3),
            safetyMarginMs: Math.min(2_000, Math.floor(leaseTtlMs / 4)),
          },
        }),
    onProblem: (problem) => logger.error({ problem }, 'unreadable item in the store'),
  });
  const engine = new TradingEngine({
    config,
    credentials,
    strategies: buildStrategies(system.strategies, system.marketData.symbols, config.models),
    clock: systemClock,
    logger,
    registry,
    persistence,
    notifier,
  });
  onLeaseLost = (reason) => engine.onLeaseLost(reason);
  const dashboard = await loadDashboardPage();
  const api = await startEngineApi({
    host: system.engine.http.host,
    port: system.engine.http.port,
    control: engine.control(),
    registry,
    tokens: apiTokens.tokens,
    requestsPerMinute: system.engine.http.requestsPerMinutePerToken,
    clock: systemClock,
    logger: logger.child({ component: 'api' }),
    dashboardPage: () => dashboard,
  });
  logger.info(
    {
      environment: system.environment,
      account: system.account.name,
      paper: system.account.paper,
      venue: system.broker.venue,
      symbols: system.marketData.symbols,
      strategies: system.strategies.map((strategy) => strategy.id),
      api: `http://${system.engine.http.host}:${api.port}`,
    },
    'engine started',
  );
  const signal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const cloudwatch = system.engine.cloudwatchMetrics;
  const cloudwatchMetrics =
    cloudwatch === undefined
      ? undefined
      : startCloudWatchMetrics({
          engine,
          persistence,
          config,
          intervalSeconds: cloudwatch.intervalSeconds,
          clock: systemClock,
          write: (line) => stdout.write(`${line}\n`),
          logger: logger.child({ component: 'cloudwatch-metrics' }),
        });
  void engine.start();

  // Runs until a signal, or until the engine can no longer trade (the lease was lost or taken,
  // a fatal feed error): then it exits non-zero so the orchestrator starts a fresh engine, which
  // stands by for the lease and reconciles before it trades.
  const reason = await Promise.race([signal, engine.halted.then((why) => `halted: ${why}`)]);
  logger.info({ reason }, 'engine stopping');
  // The task's stop timeout (SIGTERM to SIGKILL) is 60 s (infra/engine-service.ts): drain well within it.
  await engine.stop(20_000);
  cloudwatchMetrics?.stop();
  // What a storm window still holds goes out now, and the process waits for it.
  await notifier.close();
  await api.close();
  logger.info({ status: engine.control().status() }, 'engine stopped');
  return reason.startsWith('halted') ? 3 : 0;
}

process.exitCode = await main();
