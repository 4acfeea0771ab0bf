/**
 * The backup Lambda handler with real peers: fauxqs as S3 (the config bucket, read back after the
 * run) and dynalite (the stored report), invoked with the event EventBridge Scheduler sends. A bad
 * event and an unreachable bucket each give a failed report and the failure metric in the EMF
 * output, never an exception.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupEnvironmentSchema } from '../../../functions/backup/backup-environment.ts';
import { createBackupHandler } from '../../../functions/backup/backup-handler.ts';
import { readFunctionEnvironment } from '../../../functions/ops/function-environment.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { configFilesIn } from '../../../shared/ops/config-snapshot.ts';
import type { OpsReport } from '../../../shared/ops/ops-report.ts';
import { S3ArtifactStore } from '../../../shared/ops/s3-artifact-store.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../../shared/store/dynamo-store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { ROOT } from '../../support/engine-process.ts';
import { captureOutput, emfMetrics, lambdaContext } from '../../support/lambda-harness.ts';
import { type LocalS3, localS3Client, startLocalS3 } from '../../support/local-s3.ts';

const BUCKET = 'trading-config-test';
const CONFIG = join(ROOT, 'config');
/** EventBridge Scheduler's target input for the 18:30 New York schedule (23:30 UTC in December). */
const SCHEDULED = {
  job: 'backup',
  trigger: 'schedule',
  scheduledTime: '2026-12-02T23:30:00Z',
  executionId: 'c0ffee00-1111-2222-3333-444455556666',
};

describe('Function: createBackupHandler (fauxqs S3 and dynalite over loopback)', () => {
  let localS3: LocalS3;
  let s3: S3Client;
  let dynamo: LocalDynamo;
  let documents: ReturnType<typeof createDocumentClient>;
  let store: DynamoStore;
  let runs = 0;

  beforeAll(async () => {
    localS3 = await startLocalS3({ buckets: [BUCKET], maxAttempts: 1 });
    s3 = localS3.client;
    dynamo = await startLocalDynamo({ tablePrefix: 'backup-handler' });
    documents = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    store = new DynamoStore({ client: documents, tables: dynamo.tables, account: 'lambda-acct' });
  });

  afterAll(async () => {
    await localS3?.close();
    documents?.destroy();
    await dynamo?.close();
  });

  async function invoke(event: unknown, client: S3Client = s3) {
    runs += 1;
    const handler = createBackupHandler({
      artifacts: new S3ArtifactStore({ client, bucket: BUCKET }),
      configFiles: () => configFilesIn(CONFIG),
      reports: store,
      clock: new ManualClock(Date.parse('2026-12-02T23:30:04.250Z') + runs),
      logger: new Logger({ serviceName: 'backup' }),
      metrics: new Metrics({ namespace: 'Trading', serviceName: 'backup' }),
    });
    const { result, lines } = await captureOutput(
      () => handler(event, lambdaContext('backup', `req-${runs}`) as never) as Promise<OpsReport>,
    );
    return { report: result, metrics: emfMetrics(lines) };
  }

  it('writes the config snapshot to the bucket and stores an ok report', async () => {
    const { report, metrics } = await invoke(SCHEDULED);

    expect(report).toMatchObject({ job: 'backup', runId: 'req-1', newYorkDate: '2026-12-02', outcome: 'ok' });
    expect(metrics.BackupFailed).toBe(0);
    const key = 'config/2026-12-02/config-20261202T233004.251Z.json';
    expect(report.table.rows[0]).toStrictEqual([
      'config snapshot',
      `s3://${BUCKET}/${key}`,
      '6 files',
      expect.stringMatching(/^\d+$/),
    ]);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(object.ContentType).toBe('application/json');
    const snapshot = JSON.parse(await object.Body!.transformToString()) as {
      files: { name: string; sha256: string; text: string }[];
      problems: string[];
    };
    expect(snapshot.problems).toStrictEqual([]);
    for (const name of ['fees.toml', 'risk_limits.toml', 'system.json', 'system.production.json']) {
      const text = readFileSync(join(CONFIG, name), 'utf8');
      expect(snapshot.files.find((file) => file.name === name)).toMatchObject({
        text,
        sha256: createHash('sha256').update(text).digest('hex'),
      });
    }

    const stored = await store.listOpsReports('backup', '2026-12-02');
    expect(stored.problems).toStrictEqual([]);
    expect(stored.items.find((item) => item.runId === 'req-1')).toStrictEqual(report);
  });

  it('fails a run invoked with a bad event, with the failure metric set, and writes nothing', async () => {
    const before = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const { report, metrics } = await invoke({ job: 'backup', trigger: 'cron' });

    expect(report.outcome).toBe('failed');
    expect(report.summary).toMatch(/^invalid invocation event: trigger: /);
    expect(metrics.BackupFailed).toBe(1);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(after.KeyCount).toBe(before.KeyCount);
    const stored = await store.listOpsReports('backup', '2026-12-02');
    expect(stored.items.find((item) => item.runId === report.runId)?.outcome).toBe('failed');
  });

  it('fails the run, without throwing, when the bucket cannot be reached', async () => {
    // A port nothing listens on: the listener is closed before the run.
    const closed = buildApp({ logger: false });
    await closed.listen({ port: 0, host: '127.0.0.1' });
    const port = (closed.server.address() as AddressInfo).port;
    await closed.close();
    const unreachable = localS3Client(`http://127.0.0.1:${port}`, { maxAttempts: 1 });

    const { report, metrics } = await invoke(SCHEDULED, unreachable);
    unreachable.destroy();

    expect(report.outcome).toBe('failed');
    expect(report.summary).toMatch(/^backup could not finish: /);
    expect(metrics.BackupFailed).toBe(1);
  });

  it('names every missing setting of its environment', () => {
    expect(() =>
      readFunctionEnvironment('backup', backupEnvironmentSchema, { AWS_REGION: 'us-east-1' }),
    ).toThrow(
      /backup environment is invalid: ACCOUNT_NAME: .*STATE_TABLE_NAME: .*CONFIG_BUCKET: .*CONFIG_DIR: /,
    );
  });
});
