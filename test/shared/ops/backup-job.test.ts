import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import type { ArtifactStore } from '../../../shared/ops/artifact-store.ts';
import { runBackupJob } from '../../../shared/ops/backup-job.ts';
import { pruneBackups } from '../../../shared/ops/backup-retention.ts';
import {
  type ConfigSnapshot,
  configFilesIn,
  writeConfigSnapshot,
} from '../../../shared/ops/config-snapshot.ts';
import { readBackupFile } from '../../../shared/store/backup/read-backup-file.ts';
import { createDynamoClient } from '../../../shared/store/dynamo-client.ts';
import { formatUtcStamp } from '../../../shared/time/utc-stamp.ts';
import { ROOT } from '../../support/engine-process.ts';
import { tempFolder } from '../../support/temp-files.ts';

const CONFIG = join(ROOT, 'config');
/** 2026-12-02 18:30 New York. */
const NOW = Date.UTC(2026, 11, 2, 23, 30, 0, 0);
const DAY = 86_400_000;

/** Keeps what is put, as an S3 bucket would. */
class MemoryArtifacts implements ArtifactStore {
  readonly objects = new Map<string, string>();
  async put(key: string, body: string | Uint8Array): Promise<string> {
    this.objects.set(key, typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    return `memory://${key}`;
  }
}

describe('Backup job', () => {
  const folder = tempFolder();
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'backup-job' });
    client = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    await client.send(
      new PutItemCommand({
        TableName: dynamo.tables.state,
        Item: { pk: { S: 'acct#audit' }, sk: { S: '1' } },
      }),
    );
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
    folder.remove();
  });

  describe('config snapshot', () => {
    it('holds every config file in force with its sha256 and text, under config/<NY date>/', async () => {
      const artifacts = new MemoryArtifacts();
      const files = configFilesIn(CONFIG);
      expect(files.map((file) => `${file.path.slice(CONFIG.length + 1)} ${file.kind}`)).toStrictEqual([
        'fees.toml fees',
        'risk_limits.toml risk',
        'system.dev.json system',
        'system.json system',
        'system.production.json system',
        'system.staging.json system',
      ]);
      const written = await writeConfigSnapshot({ files, artifacts, nowMs: NOW });
      expect(written.key).toBe('config/2026-12-02/config-20261202T233000.000Z.json');
      const snapshot = JSON.parse(artifacts.objects.get(written.key)!) as ConfigSnapshot;
      expect(snapshot.problems).toStrictEqual([]);
      expect(snapshot.createdAt).toBe('2026-12-02T23:30:00.000Z');
      for (const { path } of files) {
        const text = readFileSync(path, 'utf8');
        expect(snapshot.files.find((entry) => path.endsWith(`/${entry.name}`))).toStrictEqual({
          name: path.slice(CONFIG.length + 1),
          sha256: createHash('sha256').update(text).digest('hex'),
          bytes: Buffer.byteLength(text),
          text,
        });
      }
    });

    it('is still written for a config that does not load, with each problem naming its file', async () => {
      const broken = folder.path('broken-config');
      mkdirSync(broken);
      writeFileSync(
        join(broken, 'fees.toml'),
        readFileSync(join(CONFIG, 'fees.toml'), 'utf8').replace(
          'sec_fee_per_million = 27.80',
          'sec_fee_per_million = "lots"',
        ),
      );
      writeFileSync(join(broken, 'risk_limits.toml'), readFileSync(join(CONFIG, 'risk_limits.toml')));
      writeFileSync(join(broken, 'system.json'), '{ "environment": ');
      const artifacts = new MemoryArtifacts();
      const files = [
        ...configFilesIn(broken),
        { path: join(broken, 'system.gone.json'), kind: 'system' as const },
      ];
      const written = await writeConfigSnapshot({ files, artifacts, nowMs: NOW });
      expect(written.snapshot.files.map((file) => file.name)).toStrictEqual([
        'fees.toml',
        'risk_limits.toml',
        'system.json',
      ]);
      expect(written.snapshot.problems).toStrictEqual([
        expect.stringMatching(new RegExp(`^${join(broken, 'fees.toml')}: fees\\.sec_fee_per_million: `)),
        expect.stringMatching(new RegExp(`^${join(broken, 'system.json')}: not valid JSON in system.json`)),
        `${join(broken, 'system.gone.json')}: cannot read the file (ENOENT)`,
      ]);
      expect(JSON.parse(artifacts.objects.get(written.key)!).problems).toStrictEqual(
        written.snapshot.problems,
      );
    });

    it('refuses two files of the same name, which one snapshot could not tell apart', async () => {
      await expect(
        writeConfigSnapshot({
          files: [
            { path: join(CONFIG, 'fees.toml'), kind: 'fees' },
            { path: join(folder.path('x'), 'fees.toml'), kind: 'fees' },
          ],
          artifacts: new MemoryArtifacts(),
          nowMs: NOW,
        }),
      ).rejects.toThrow('config files named twice in one snapshot: fees.toml');
    });
  });

  describe('retention', () => {
    it('removes table backups after 30 days and config snapshots after 90, by the time in the name', async () => {
      const root = folder.path('retention');
      const tables = join(root, 'tables');
      mkdirSync(tables, { recursive: true });
      const tableFile = (daysAgo: number) => `trading-local-${formatUtcStamp(NOW - daysAgo * DAY)}.ndjson.gz`;
      const configFile = (daysAgo: number) => `config-${formatUtcStamp(NOW - daysAgo * DAY)}.json`;
      for (const name of [tableFile(31), tableFile(29), 'notes.txt', `.${tableFile(40)}.123.partial`])
        writeFileSync(join(tables, name), 'x');
      const oldDate = join(root, 'config', '2026-08-01');
      const recentDate = join(root, 'config', '2026-10-01');
      mkdirSync(oldDate, { recursive: true });
      mkdirSync(recentDate, { recursive: true });
      writeFileSync(join(oldDate, configFile(91)), '{}');
      writeFileSync(join(recentDate, configFile(89)), '{}');
      writeFileSync(join(recentDate, 'config-yesterday.json'), '{}');

      const removed = await pruneBackups({ folder: root, nowMs: NOW });

      expect(removed).toStrictEqual([join(tables, tableFile(31)), join(oldDate, configFile(91))]);
      expect(readdirSync(tables).sort()).toStrictEqual(
        [tableFile(29), 'notes.txt', `.${tableFile(40)}.123.partial`].sort(),
      );
      expect(existsSync(oldDate)).toBe(false);
      expect(readdirSync(recentDate).sort()).toStrictEqual(['config-yesterday.json', configFile(89)].sort());
    });
  });

  it('locally: config snapshot, table export and retention, one row each in the report', async () => {
    const backups = folder.path('local-backups');
    mkdirSync(join(backups, 'tables'), { recursive: true });
    const expired = `backup-job-${formatUtcStamp(NOW - 45 * DAY)}.ndjson.gz`;
    writeFileSync(join(backups, 'tables', expired), 'x');

    const result = await runBackupJob({
      where: 'local',
      nowMs: NOW,
      configFiles: configFilesIn(CONFIG),
      client,
      tablePrefix: 'backup-job',
      account: 'acct',
      backupsFolder: backups,
    });

    const tableFile = join(backups, 'tables', 'backup-job-20261202T233000.000Z.ndjson.gz');
    const snapshot = join(backups, 'config', '2026-12-02', 'config-20261202T233000.000Z.json');
    expect(result).toMatchObject({
      newYorkDate: '2026-12-02',
      outcome: 'ok',
      summary:
        "config snapshot of 6 files written; 1 items of backup-job's tables exported; 1 expired backups removed",
    });
    expect(result.table.rows).toStrictEqual([
      ['config snapshot', snapshot, '6 files', expect.stringMatching(/^\d+$/)],
      ['tables', tableFile, 'state 1, lease 0, idempotency 0', expect.stringMatching(/^\d+$/)],
      ['pruned (expired)', join(backups, 'tables', expired), '', ''],
    ]);
    expect((await readBackupFile(tableFile)).header.tables.state.items).toBe(1);
    expect(JSON.parse(readFileSync(snapshot, 'utf8')).files).toHaveLength(6);
  });

  it('in AWS: the config snapshot alone, to the artifact store; a broken config is a problem outcome', async () => {
    const artifacts = new MemoryArtifacts();
    const ok = await runBackupJob({
      where: 'aws',
      nowMs: NOW,
      configFiles: configFilesIn(CONFIG),
      artifacts,
    });
    expect(ok.outcome).toBe('ok');
    expect(ok.table.rows).toHaveLength(1);
    expect([...artifacts.objects.keys()]).toStrictEqual([
      'config/2026-12-02/config-20261202T233000.000Z.json',
    ]);

    const broken = folder.path('aws-broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'fees.toml'), 'not toml [');
    const bad = await runBackupJob({
      where: 'aws',
      nowMs: NOW + 1,
      configFiles: configFilesIn(broken),
      artifacts,
    });
    expect(bad.outcome).toBe('problems');
    expect(bad.summary).toMatch(
      /^config snapshot of 1 files written; the config does not load \(1 problem\): .*fees\.toml: not valid TOML/,
    );
  });
});
