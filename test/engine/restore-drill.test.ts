/**
 * The restore drill: a real engine process trades a short session on the simulator, writing to
 * dynalite, and stops; the backup job exports its tables; the file is restored into fresh tables
 * under a new prefix, and every item of every table is compared with the original. Then an engine
 * started on the restored tables, against the same simulator, must reconcile cleanly: no restart
 * position differences, and its positions equal the simulator's.
 *
 * The symbols are halted at the simulator before the first engine stops (halted symbols do not
 * execute), so nothing fills while no engine runs: a difference found at the restart could then
 * only come from the backup or the restore.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { runBackupJob } from '../../shared/ops/backup-job.ts';
import { configFilesIn } from '../../shared/ops/config-snapshot.ts';
import { readBackupFile } from '../../shared/store/backup/read-backup-file.ts';
import { restoreTables } from '../../shared/store/backup/restore-tables.ts';
import { scanTable } from '../../shared/store/backup/scan-table.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { type Simulator, startSimulator } from '../../sim/simulator.ts';
import { bearer } from '../support/api-tokens.ts';
import { type EngineProcess, engineConfig, ROOT, startEngine } from '../support/engine-process.ts';
import { tableItems } from '../support/table-items.ts';
import { tempFolder } from '../support/temp-files.ts';
import { VenueAdmin } from '../support/venue-admin.ts';

const SOURCE_PREFIX = 'drill';
const RESTORED_PREFIX = 'drill-restored';
const ACCOUNT = 'drill';
const SYMBOLS = ['AAPL', 'MSFT'];
const RECONCILED = /trading state reconciled; entries resume/;

interface EngineStatus {
  positions: { symbol: string; qty: string }[];
  risk: { reconciled: boolean };
}

describe('Restore drill: back up after a session, restore into fresh tables, restart on them', () => {
  const folder = tempFolder();
  let simulator: Simulator;
  let venue: VenueAdmin;
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  const engines: EngineProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({
      port: 0,
      seed: 23,
      symbols: SYMBOLS,
      messagesPerSecond: 400,
      rateLimitPerMinute: 5_000,
    });
    venue = new VenueAdmin(simulator.baseUrl);
    dynamo = await startLocalDynamo({ tablePrefix: SOURCE_PREFIX });
    client = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    // Keep trading through the session: the breaker and latches are tested elsewhere.
    const risk = readFileSync(join(ROOT, 'config/risk_limits.toml'), 'utf8')
      .replace('max_consecutive_losses = 5', 'max_consecutive_losses = 100000')
      .replace('daily_loss_limit_usd = 5000', 'daily_loss_limit_usd = 9000')
      .replace('max_fills = 50', 'max_fills = 100000');
    folder.write('risk_limits.toml', risk);
  });

  afterAll(async () => {
    for (const engine of engines) if (engine.child.exitCode === null) engine.child.kill('SIGKILL');
    await venue?.close();
    await simulator?.close();
    client?.destroy();
    await dynamo?.close();
    folder.remove();
  });

  function writeConfig(name: string, tablePrefix: string, strategies: unknown[]): string {
    return folder.write(
      name,
      engineConfig({
        simulatorPort: simulator.port,
        dynamo,
        tablePrefix,
        account: ACCOUNT,
        strategies,
        symbols: SYMBOLS,
      }),
    );
  }

  async function startedEngine(configFile: string): Promise<{ engine: EngineProcess; api: string }> {
    const engine = startEngine(configFile);
    engines.push(engine);
    const started = await engine.waitFor(/"msg":"engine started"/, 30_000);
    const api = /"api":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(started)![1]!;
    await engine.waitFor(RECONCILED, 30_000);
    return { engine, api };
  }

  async function tradingStatus(change: 'halt' | 'resume', symbol: string): Promise<void> {
    const response = await fetch(`${simulator.baseUrl}/admin/marketdata/${change}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol }),
    });
    if (!response.ok)
      throw new Error(`${change} ${symbol}: HTTP ${response.status} ${await response.text()}`);
  }

  it('restores every item exactly, and an engine on the restored tables reconciles cleanly', async () => {
    // 1. A trading session: orders, fills and positions, and an operator action for the audit trail.
    const session = await startedEngine(
      writeConfig('system.json', SOURCE_PREFIX, [
        { type: 'mid-price-momentum', id: 'drill', period: 3, thresholdBps: 0, entryQty: '2' },
      ]),
    );
    await venue.until(
      'filled orders at the venue',
      () => venue.orders(),
      (orders) => orders.filter((order) => order.filledQty > 0n).length >= 4,
      60_000,
    );
    const action = await fetch(`${session.api}/circuit-breaker/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer('admin') },
      body: JSON.stringify({ operator: 'drill', reason: 'restore drill: an audited operator action' }),
    });
    expect([200, 409]).toContain(action.status);
    // Halt the market while a position is open, so the restart has a position to reconcile.
    let brokerPositions: Record<string, string> = {};
    for (let attempt = 0; attempt < 10 && Object.keys(brokerPositions).length === 0; attempt++) {
      if (attempt > 0) for (const symbol of SYMBOLS) await tradingStatus('resume', symbol);
      await venue.until(
        'an open position',
        () => venue.positions(),
        (p) => Object.keys(p).length > 0,
        60_000,
      );
      for (const symbol of SYMBOLS) await tradingStatus('halt', symbol);
      // Answers to orders sent just before the halt settle first.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      brokerPositions = await venue.positions();
    }
    expect(Object.keys(brokerPositions).length).toBeGreaterThan(0);
    session.engine.child.kill('SIGTERM');
    expect(await session.engine.exited).toBe(0);
    expect(await venue.positions()).toStrictEqual(brokerPositions);

    const types = await itemTypes(client, `${SOURCE_PREFIX}-state`);
    for (const type of ['order', 'fill', 'position', 'audit'])
      expect(types.get(type) ?? 0).toBeGreaterThan(0);

    // 2. The backup job, as `npm run job -- backup` runs it locally.
    const backups = folder.path('backups');
    const job = await runBackupJob({
      where: 'local',
      nowMs: Date.now(),
      configFiles: configFilesIn(folder.path('.')),
      client,
      tablePrefix: SOURCE_PREFIX,
      account: ACCOUNT,
      backupsFolder: backups,
    });
    expect(job.outcome).toBe('ok');
    const file = job.table.rows.find((row) => row[0] === 'tables')![1]!;

    // 3. Restore into fresh tables; every item equal, both ways, table by table.
    const backup = await readBackupFile(file);
    const restored = await restoreTables({ client, backup, targetPrefix: RESTORED_PREFIX });
    expect(restored.map(({ table, items }) => [table, items])).toStrictEqual([
      ['state', backup.header.tables.state.items],
      ['lease', 1],
      ['idempotency', 0],
    ]);
    const original = await tableItems(client, SOURCE_PREFIX);
    const copy = await tableItems(client, RESTORED_PREFIX);
    expect(copy.state).toStrictEqual(original.state);
    expect(copy.lease).toStrictEqual(original.lease);
    expect(copy.idempotency).toStrictEqual(original.idempotency);
    const sourceToken = Number(original.lease[0]!.fencingToken!.N);

    // 4. An engine on the restored tables, against the same simulator, reconciles cleanly.
    const restart = await startedEngine(writeConfig('restored-engine.json', RESTORED_PREFIX, []));
    await restart.engine.waitFor(/restart: stored positions match the broker/, 30_000);
    expect(restart.engine.lines.filter((line) => /restart: stored position in/.test(line))).toStrictEqual([]);
    const metrics = await (await fetch(`${restart.api}/metrics`, { headers: bearer('read') })).text();
    const differences = [
      ...metrics.matchAll(/^engine_restart_position_differences\{kind="(\w+)"\} (\d+)$/gm),
    ];
    expect(differences.map((match) => match[1]).sort()).toStrictEqual([
      'missing_at_broker',
      'missing_in_store',
      'qty_differs',
    ]);
    expect(differences.map((match) => Number(match[2]))).toStrictEqual([0, 0, 0]);
    const health = (await (await fetch(`${restart.api}/health`)).json()) as {
      checks: Record<string, string>;
    };
    expect(health.checks.reconciled).toBe('true');
    // It took the restored lease over: the fencing token continues from the backed-up one.
    expect(health.checks.fencingToken).toBe(String(sourceToken + 1));
    const status = (await (
      await fetch(`${restart.api}/status`, { headers: bearer('read') })
    ).json()) as EngineStatus;
    expect(status.risk.reconciled).toBe(true);
    const engineView = Object.fromEntries(
      status.positions.filter((p) => p.qty !== '0').map((p) => [p.symbol, p.qty]),
    );
    expect(engineView).toStrictEqual(brokerPositions);
    expect(await venue.positions()).toStrictEqual(brokerPositions);

    restart.engine.child.kill('SIGTERM');
    expect(await restart.engine.exited).toBe(0);
    // The original tables were only read: the restored engine wrote to its own.
    expect(await tableItems(client, SOURCE_PREFIX)).toStrictEqual(original);
  }, 180_000);
});

/** How many items of each `type` a state table holds. */
async function itemTypes(client: DynamoDBClient, tableName: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const item of await scanTable(client, tableName)) {
    const type = item.type?.S ?? '?';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}
