/**
 * A running engine process trading no strategy, on its own simulator (market always open, wall
 * time) and a local DynamoDB, reconciled and ready: what a test of the scheduled jobs runs them
 * against. The venue's admin and the engine's store are at hand; close() stops all of it.
 */
import { join } from 'node:path';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { parseFixed } from '../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import {
  type EngineConfigOptions,
  type EngineProcess,
  engineConfig,
  ROOT,
  startEngine,
} from './engine-process.ts';
import type { tempFolder } from './temp-files.ts';
import { VenueAdmin } from './venue-admin.ts';

export const SHIPPED_RISK_FILE = join(ROOT, 'config/risk_limits.toml');

export interface EngineOnSimulator {
  readonly dynamo: LocalDynamo;
  readonly simulator: Simulator;
  readonly venue: VenueAdmin;
  readonly engine: EngineProcess;
  /** The engine's HTTP API, e.g. http://127.0.0.1:41234. */
  readonly api: string;
  readonly configFile: string;
  readonly client: ReturnType<typeof createDocumentClient>;
  /** The engine's account in the state table. */
  readonly store: DynamoStore;
  close(): Promise<void>;
}

export async function startEngineOnSimulator(options: {
  readonly folder: ReturnType<typeof tempFolder>;
  readonly tablePrefix: string;
  readonly account: string;
  readonly seed: number;
  readonly cloudwatchMetrics?: EngineConfigOptions['cloudwatchMetrics'];
  /** The engine's environment, e.g. its API tokens (TRADING_READ_TOKEN…); default none. */
  readonly env?: Readonly<Record<string, string>>;
}): Promise<EngineOnSimulator> {
  const dynamo = await startLocalDynamo({ tablePrefix: options.tablePrefix });
  const client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  // The tests poll the venue with the engine's key; their own budget keeps the engine's 200 a minute.
  const simulator = await startSimulator({
    port: 0,
    seed: options.seed,
    symbols: ['AAPL', 'MSFT'],
    rateLimitPerMinute: 5_000,
  });
  const venue = new VenueAdmin(simulator.baseUrl);
  const configFile = options.folder.write(
    `${options.account}.json`,
    engineConfig({
      simulatorPort: simulator.port,
      dynamo,
      tablePrefix: options.tablePrefix,
      account: options.account,
      strategies: [],
      ...(options.cloudwatchMetrics === undefined ? {} : { cloudwatchMetrics: options.cloudwatchMetrics }),
    }),
  );
  const engine = startEngine(configFile, { ...options.env }, SHIPPED_RISK_FILE);
  const close = async (): Promise<void> => {
    if (engine.child.exitCode === null) {
      engine.child.kill('SIGTERM');
      await engine.exited;
    }
    await venue.close();
    await simulator.close();
    client.destroy();
    await dynamo.close();
  };
  try {
    const started = await engine.waitFor(/"msg":"engine started"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    await engine.waitFor(/trading state reconciled; entries resume/, 30_000);
    const store = new DynamoStore({ client, tables: dynamo.tables, account: options.account });
    return { dynamo, simulator, venue, engine, api, configFile, client, store, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * An order round trip and a tripped breaker on the running engine: 3 AAPL bought at the venue
 * (the engine adopts the position from the trade stream), then an operator's kill switch, which
 * trips the breaker, cancels and sends the order that flattens the position. Returns once the
 * engine has accepted the kill switch, not once the position is flat.
 */
export async function pullKillSwitchOnAdoptedPosition(
  stack: Pick<EngineOnSimulator, 'venue' | 'api'>,
  options: { readonly clientOrderId: string; readonly reason: string },
): Promise<void> {
  const { venue, api } = stack;
  await venue.broker.submitOrder({
    symbol: 'AAPL',
    qty: parseFixed('3'),
    side: 'buy',
    type: 'market',
    timeInForce: 'day',
    clientOrderId: options.clientOrderId,
  });
  await venue.until(
    'the engine holding AAPL',
    async () => (await (await fetch(`${api}/status`)).json()) as { positions: { symbol: string }[] },
    (status) => status.positions.some(({ symbol }) => symbol === 'AAPL'),
  );
  const response = await fetch(`${api}/kill-switch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ operator: 'alice', reason: options.reason }),
  });
  if (response.status !== 200)
    throw new Error(`kill switch: HTTP ${response.status} ${await response.text()}`);
}
