/**
 * The engine's health as its streams see the venue: a silent market-data stream degrades it as
 * soon as marketData.staleAfterMs passes, and refused keys stop every stream with a message that
 * says what to fix. The engine in process, on the wall clock, against the simulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { TradingEngine } from '../../../engine/trading-engine.ts';
import type { TradingCredentials } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID } from '../../../shared/broker/simulator-credentials.ts';
import { loadConfig } from '../../../shared/config/load-config.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { waitFor } from '../../shared/broker/alpaca/wait-for.ts';
import { engineConfig, ROOT } from '../../support/engine-process.ts';
import { SIM_CREDENTIALS } from '../../support/in-process-engine.ts';
import { tempFolder } from '../../support/temp-files.ts';
import { admin } from './feed-harness.ts';

const STALE_AFTER_MS = 300;

let folder: ReturnType<typeof tempFolder> | undefined;
let sim: Simulator | undefined;
let engine: TradingEngine | undefined;

afterEach(async () => {
  await engine?.stop(1_000);
  engine = undefined;
  await sim?.close();
  sim = undefined;
  folder?.remove();
  folder = undefined;
});

/** The development config pointed at the simulator, with a short staleness threshold. */
function startEngine(simulator: Simulator, credentials: TradingCredentials, registry = new Registry()) {
  folder = tempFolder();
  folder.write('risk_limits.toml', readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8'));
  const config = JSON.parse(
    engineConfig({
      simulatorPort: simulator.port,
      dynamo: { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' },
      tablePrefix: 'unused',
      account: 'streams',
      strategies: [],
    }),
  );
  config.marketData.staleAfterMs = STALE_AFTER_MS;
  const systemFile = folder.write('system.json', JSON.stringify(config));
  engine = new TradingEngine({
    config: loadConfig({ systemFile, env: {} }),
    credentials,
    strategies: [],
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    registry,
  });
  void engine.start();
  return engine;
}

const nowSeconds = () => systemClock.nowUs() / 1e6;

describe('Feature: engine health follows its streams', () => {
  it('a silent market-data stream degrades health once staleAfterMs passes, and the whole silence is counted as a gap', async () => {
    sim = await startSimulator({ symbols: ['AAPL', 'MSFT'], messagesPerSecond: 200 });
    const registry = new Registry();
    const subject = startEngine(sim, SIM_CREDENTIALS, registry);
    await waitFor('health ok', () => subject.health().status === 'ok', 10_000);

    await admin(sim, 'faults/silence', { path: '/v2/iex', enabled: true });
    const silencedBy = nowSeconds();
    await waitFor('health degraded', () => subject.health().status === 'degraded');
    // Stale, on the same socket: well before the 20 s zombie limit would replace it.
    expect(subject.health().checks).toMatchObject({ feed0: 'stale', reason: 'feed0 stale' });
    const resumedFrom = nowSeconds();
    await admin(sim, 'faults/silence', { path: '/v2/iex', enabled: false });
    await waitFor('health ok again', () => subject.health().status === 'ok');

    const metric = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]!.value;
    expect(await metric('engine_marketdata_reconnects_total')).toBe(0);
    expect(await metric('engine_marketdata_gap_seconds_total')).toBeGreaterThanOrEqual(
      resumedFrom - silencedBy,
    );
  });

  it('refused keys stop both streams and the engine, with a message that says what to fix', async () => {
    sim = await startSimulator({ market: 'scripted', symbols: ['AAPL', 'MSFT'] });
    const wrongSecret = 'WRONG-SECRET-71c4';
    const subject = startEngine(sim, { keyId: DEFAULT_SIM_KEY_ID, secretKey: wrongSecret });
    const tradeUpdateStates: string[] = [];
    subject.execution.events.on('connection', ({ state }) => tradeUpdateStates.push(state));

    const reason = await subject.halted;
    expect(reason).toMatch(
      /^the broker refused the API keys \((trade updates: unauthorized|market data: 402 auth failed)\): check APCA_API_KEY_ID/,
    );
    expect(reason).not.toContain(wrongSecret);
    expect(subject.health()).toMatchObject({ status: 'fatal', checks: { reason } });
    const stopped = ['stopped', 'fatal'];
    await waitFor(
      'both streams stopped',
      () =>
        stopped.includes(subject.feeds[0]!.state) &&
        stopped.includes(subject.execution.venue.connectionState),
    );
    expect(tradeUpdateStates).not.toContain('ready');
    const venue = (await (await fetch(`${sim.baseUrl}/admin/trading/state`)).json()) as {
      stream_connections: number;
    };
    expect(venue.stream_connections).toBe(0);
  });
});
