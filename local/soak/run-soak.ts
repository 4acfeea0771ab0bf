/**
 * One soak run: the local stack as `npm start` runs it (simulator, local AWS stand-ins, engine
 * with the config's strategies trading), on ephemeral ports and a fresh data folder, with the
 * simulator sending `rate` messages per second. Both ends of the feed are read every sample
 * interval; at the end the tape is stopped, the counts settle, and the engine's orders and
 * positions are compared with the simulator's.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventLoopDelay } from '../../engine/metrics/event-loop-delay.ts';
import { EngineApiClient } from '../../shared/api/engine-api-client.ts';
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { loadBrokerCredentials } from '../../shared/config/broker-credentials.ts';
import { ConfigError } from '../../shared/config/config-error.ts';
import { defaultRiskFile, validateConfig } from '../../shared/config/load-config.ts';
import { ChildProcesses } from '../child-processes.ts';
import { launchLocalStack, withApiTokens } from '../launch-local-stack.ts';
import type { SoakOptions } from './soak-args.ts';
import { soakSymbols } from './soak-args.ts';
import { soakConfig, soakRiskLimits } from './soak-config.ts';
import { soakConsistency } from './soak-consistency.ts';
import { type FinalCounts, type SoakFigures, soakFigures } from './soak-figures.ts';
import { engineReading, type SoakSample, sentByType, totalOf } from './soak-sample.ts';

/** How long the counts may take to agree once the tape has stopped. */
const SETTLE_MS = 15_000;
const SETTLE_POLL_MS = 250;
/** Both counts unchanged for this long: nothing more is on its way. */
const QUIET_MS = 2_000;

export interface SoakOutcome {
  readonly figures: SoakFigures;
  readonly symbols: readonly string[];
  readonly configChanges: readonly string[];
  readonly logFile: string;
  /** Where the JSON report is written as well, beside the log. */
  readonly reportFile: string;
}

export interface SoakRunner {
  run(): Promise<SoakOutcome>;
  /** Stops the stack; safe to call more than once and while `run` is under way. */
  stop(): Promise<void>;
  /** Kills whatever is left at once (a second Ctrl-C). */
  kill(): void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function soakRunner(options: SoakOptions): SoakRunner {
  const folder = mkdtempSync(join(tmpdir(), 'trading-soak-'));
  const logFile = join(folder, 'stack.log');
  // Every line the three processes print goes to one file, prefixed with its process's name:
  // the report names it, and a terminal at 20,000 messages a second has better things to show.
  const children = new ChildProcesses((name) => (line) => appendFileSync(logFile, `${name} | ${line}\n`));
  let stopping: Promise<void> | undefined;
  let stopped = false;

  async function run(): Promise<SoakOutcome> {
    const base = withApiTokens({
      ...process.env,
      // Ephemeral ports: a soak must not collide with an `npm start` or a test on this machine.
      TRADING_HTTP_PORT: '0',
      TRADING_SIMULATOR_PORT: '0',
    });
    const env = base.env;
    const config = soakConfig(options.configFile, options.rate);
    const configFile = join(folder, 'system.json');
    writeFileSync(configFile, config.text);
    // The risk file the original config would have read, relaxed (soak-config.ts).
    const risk = soakRiskLimits(options.riskFile ?? defaultRiskFile(options.configFile));
    const riskFile = join(folder, 'risk_limits.toml');
    writeFileSync(riskFile, risk.text);
    const first = validateConfig({ systemFile: configFile, riskFile, env });
    if (!first.ok) throw new ConfigError(first.issues);
    const symbols =
      options.symbols === undefined
        ? first.config.system.marketData.symbols
        : soakSymbols(first.config.system.marketData.symbols, options.symbols);
    env.TRADING_SYMBOLS = symbols.join(',');
    const loaded = validateConfig({ systemFile: configFile, riskFile, env });
    if (!loaded.ok) throw new ConfigError(loaded.issues);
    const { system } = loaded.config;
    if (system.simulator === undefined)
      throw new Error(`${options.configFile} runs no simulator to soak against`);

    const stack = await launchLocalStack(children, {
      system,
      configFile,
      riskFile,
      dataPath: join(folder, 'dynamo'),
      env,
      messagesPerSecond: options.rate,
    });
    const tradingUrl = stack.tradingUrl!;
    const engine = new EngineApiClient({
      baseUrl: stack.engineApi,
      ...(base.apiTokens.read === undefined ? {} : { token: base.apiTokens.read }),
      timeoutMs: 30_000,
    });
    const venue = new AlpacaTradingClient({
      baseUrl: tradingUrl,
      credentials: await loadBrokerCredentials({ system, env }),
    });
    const simAdmin = async (action: string, body?: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${tradingUrl}/admin/marketdata/${action}`, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      if (!response.ok) throw new Error(`simulator admin ${action}: HTTP ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    };
    const sentByChannel = async () =>
      (await simAdmin('stats')).messagesSent as Readonly<Record<string, number>>;

    try {
      await waitForSubscription(engine);
      const samples: SoakSample[] = [];
      const ownDelay = new EventLoopDelay();
      const startMs = Date.now();
      const endMs = startMs + options.minutes * 60_000;
      const exited = children.firstExit().then(({ child, code }) => {
        if (!stopped) throw new Error(`${child.name} exited with code ${code} during the soak`);
      });
      for (let next = startMs; ; next += options.sampleSeconds * 1000) {
        await Promise.race([sleep(Math.max(0, next - Date.now())), exited]);
        if (stopped) throw new Error('stopped before the end');
        const [text, sent] = await Promise.all([engine.metrics(), sentByChannel()]);
        samples.push({
          atMs: Date.now() - startMs,
          ...engineReading(text),
          sent: totalOf(sent),
          soakLagMaxMs: ownDelay.take()?.maxMs ?? 0,
        });
        if (Date.now() >= endMs) break;
      }
      ownDelay.close();
      await simAdmin('generator', { running: false });
      const final = await settledCounts(engine, sentByChannel);
      const consistency = await soakConsistency(engine, venue);
      return {
        figures: soakFigures({
          samples,
          warmupMs: options.warmupMinutes * 60_000,
          requestedRate: options.rate,
          final,
          consistency,
        }),
        symbols,
        configChanges: [...config.changes, ...risk.changes],
        logFile,
        reportFile: join(folder, 'report.json'),
      };
    } finally {
      await venue.close();
    }
  }

  return {
    run,
    stop() {
      stopped = true;
      stopping ??= children.stopAll();
      return stopping;
    },
    kill() {
      stopped = true;
      children.killAll();
    },
  };
}

/** The engine subscribes after its start-up; the soak's clock starts with the first message. */
async function waitForSubscription(engine: EngineApiClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (totalOf(engineReading(await engine.metrics()).received) > 0) return;
    await sleep(250);
  }
  throw new Error('the engine received no market data within 60 s of starting');
}

/**
 * With the tape stopped, reads both counts until they agree, or until neither has moved for
 * QUIET_MS (then the difference is what was lost), or SETTLE_MS has passed.
 */
async function settledCounts(
  engine: EngineApiClient,
  sentByChannel: () => Promise<Readonly<Record<string, number>>>,
): Promise<FinalCounts> {
  const deadline = Date.now() + SETTLE_MS;
  let previous = '';
  let unchangedSince = Date.now();
  for (;;) {
    const [text, byChannel] = await Promise.all([engine.metrics(), sentByChannel()]);
    const reading = engineReading(text);
    const counts: FinalCounts = {
      sent: sentByType(byChannel),
      received: reading.received,
      rejected: reading.rejected,
      reconnects: reading.reconnects,
    };
    const key = `${totalOf(counts.sent)}/${totalOf(counts.received)}`;
    if (key !== previous) {
      previous = key;
      unchangedSince = Date.now();
    }
    const agree = totalOf(counts.sent) === totalOf(counts.received);
    const now = Date.now();
    if (
      (agree && now - unchangedSince >= SETTLE_POLL_MS) ||
      now - unchangedSince >= QUIET_MS ||
      now >= deadline
    )
      return counts;
    await sleep(SETTLE_POLL_MS);
  }
}
