/** `npm run restore -- FILE` as an operator runs it: the real command in a child process, against dynalite. */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/local-dynamo.ts';
import { exportTables } from '../../shared/store/backup/export-tables.ts';
import { listTableNames } from '../../shared/store/create-tables.ts';
import { createDynamoClient } from '../../shared/store/dynamo-client.ts';
import { ROOT } from '../support/engine-process.ts';
import { tableItems } from '../support/table-items.ts';
import { tempFolder } from '../support/temp-files.ts';

const SYSTEM = join(ROOT, 'config/system.json');

/** Runs the command without blocking this process, which hosts the DynamoDB server it talks to. */
function restore(
  args: string[],
  cwd = ROOT,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/restore.ts'), ...args], {
      cwd,
      env: { PATH: process.env.PATH },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('CLI: npm run restore', () => {
  const folder = tempFolder();
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  let backupFile: string;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'cli-src' });
    client = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    for (let i = 0; i < 30; i++) {
      await client.send(
        new PutItemCommand({
          TableName: dynamo.tables.state,
          Item: { pk: { S: 'acct#audit' }, sk: { S: `entry-${i}` }, n: { N: String(i) } },
        }),
      );
    }
    backupFile = (
      await exportTables({
        client,
        tablePrefix: 'cli-src',
        account: 'acct',
        backupsFolder: folder.path('backups'),
        nowMs: Date.UTC(2026, 11, 2, 23, 30),
      })
    ).file;
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
    folder.remove();
  });

  it('restores into fresh tables under --prefix and prints what it restored', async () => {
    const { status, stdout, stderr } = await restore([
      backupFile,
      '--prefix',
      'cli-copy',
      '--endpoint',
      dynamo.endpoint,
      '--config',
      SYSTEM,
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(
      `restored ${backupFile} (cli-src, account acct, taken 2026-12-02T23:30:00.000Z)`,
    );
    expect(stdout).toMatch(
      /table\s+restored as\s+items\n[- ]+\nstate\s+cli-copy-state\s+30\nlease\s+cli-copy-lease\s+0\n/,
    );
    expect(stdout).toContain('set store.tablePrefix to "cli-copy"');
    expect(await tableItems(client, 'cli-copy')).toStrictEqual(await tableItems(client, 'cli-src'));
  });

  it('refuses to write into existing tables', async () => {
    const { status, stderr } = await restore([
      backupFile,
      '--prefix',
      'cli-src',
      '--endpoint',
      dynamo.endpoint,
    ]);
    expect(status).toBe(1);
    expect(stderr).toContain('tables cli-src-state, cli-src-lease, cli-src-idempotency already exist');
  });

  it('finds the local stack from .data/local-endpoints.json and names the restored prefix by default', async () => {
    const cwd = folder.path('workdir');
    mkdirSync(join(cwd, '.data'), { recursive: true });
    writeFileSync(
      join(cwd, '.data/local-endpoints.json'),
      // As npm start writes it; the pid is this process, which hosts the DynamoDB server.
      JSON.stringify({
        pid: process.pid,
        dynamoEndpoint: dynamo.endpoint,
        engineApi: 'http://127.0.0.1:8080',
      }),
    );
    const before = await listTableNames(client);
    const { status, stdout, stderr } = await restore([backupFile, '--config', SYSTEM], cwd);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const prefix = /store\.tablePrefix to "(cli-src-restored-\d{8}T\d{6}\.\d{3}Z)"/.exec(stdout)?.[1];
    expect(prefix).toBeDefined();
    expect([...(await listTableNames(client))].filter((name) => !before.has(name)).sort()).toStrictEqual(
      [`${prefix}-idempotency`, `${prefix}-lease`, `${prefix}-state`].sort(),
    );
  });

  it('says so when there is no endpoint to restore into', async () => {
    const cwd = folder.path('nowhere');
    mkdirSync(cwd);
    const { status, stderr } = await restore([backupFile, '--config', SYSTEM], cwd);
    expect(status).toBe(1);
    expect(stderr).toContain(
      'no DynamoDB endpoint: the config has no store.endpoint and no local stack is running (.data/local-endpoints.json is absent; npm start writes it); pass --endpoint http://127.0.0.1:PORT',
    );
  });

  it('names a malformed endpoints file', async () => {
    const cwd = folder.path('malformed');
    mkdirSync(join(cwd, '.data'), { recursive: true });
    writeFileSync(join(cwd, '.data/local-endpoints.json'), '{');
    const { status, stderr } = await restore([backupFile, '--config', SYSTEM], cwd);
    expect(status).toBe(1);
    expect(stderr).toContain(
      '.data/local-endpoints.json is not JSON; delete it (npm start writes it again); or pass --endpoint',
    );
  });

  it('refuses a bad file with FILE:line problems, before touching the server', async () => {
    const bad = folder.path('bad.ndjson.gz');
    writeFileSync(bad, gzipSync('{"format":"something-else"}\n'));
    const before = await listTableNames(client);
    const { status, stderr } = await restore([bad, '--endpoint', dynamo.endpoint, '--config', SYSTEM]);
    expect(status).toBe(1);
    expect(stderr).toContain(`${bad} is not a backup that can be restored; nothing was changed:`);
    expect(stderr).toContain(`${bad}:1: not a table backup header this version reads: `);
    expect(await listTableNames(client)).toStrictEqual(before);
  });

  it.each([
    [[], 'FILE is required'],
    [['a.gz', 'b.gz'], 'unexpected arguments: b.gz'],
    [['a.gz', '--color'], "Unknown option '--color'"],
    [['a.gz', '--endpoint', 'localhost:8000'], '--endpoint "localhost:8000" is not an http(s) URL'],
    [['a.gz', '--prefix', 'no spaces'], '--prefix: table prefix "no spaces" must be letters'],
  ])('exits 2 with the usage for %j', async (args, message) => {
    const { status, stderr } = await restore(args);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: npm run restore -- FILE');
  });
});
