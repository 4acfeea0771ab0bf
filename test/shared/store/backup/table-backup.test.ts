import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../../../local/local-dynamo.ts';
import { parseTableBackupFileName } from '../../../../shared/store/backup/backup-file-name.ts';
import { exportTables } from '../../../../shared/store/backup/export-tables.ts';
import { BackupFileError, readBackupFile } from '../../../../shared/store/backup/read-backup-file.ts';
import {
  defaultRestorePrefix,
  RestoreError,
  restoreTables,
} from '../../../../shared/store/backup/restore-tables.ts';
import { listTableNames } from '../../../../shared/store/create-tables.ts';
import { createDocumentClient, createDynamoClient } from '../../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../../shared/store/dynamo-lease-store.ts';
import { DynamoStore } from '../../../../shared/store/dynamo-store.ts';
import { tableNames } from '../../../../shared/store/table-definitions.ts';
import { tableItems } from '../../../support/table-items.ts';
import { tempFolder } from '../../../support/temp-files.ts';
import { sampleOrder, T0 } from '../store-fixtures.ts';

const SOURCE = 'backup-src';
const NOW = Date.UTC(2026, 11, 2, 23, 30, 0, 5);

describe('Table backup: export to a gzip NDJSON file, check it, restore into fresh tables', () => {
  const folder = tempFolder();
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: SOURCE });
    client = createDynamoClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    const documents = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    await new DynamoStore({ client: documents, tables: dynamo.tables, account: 'acct' }).putOrder(
      sampleOrder(),
    );
    await new DynamoLeaseStore({ client: documents, table: dynamo.tables.lease, account: 'acct' }).acquire({
      holderId: 'engine-a',
      nowMs: T0,
      ttlMs: 10_000,
    });
    documents.destroy();
    // More than two BatchWriteItem requests' worth, with every attribute type DynamoDB has.
    for (let i = 0; i < 60; i++) {
      await client.send(
        new PutItemCommand({
          TableName: dynamo.tables.state,
          Item: {
            pk: { S: 'acct#misc' },
            sk: { S: `item-${String(i).padStart(3, '0')}` },
            n: { N: `${i}.125` },
            big: { N: '123456789012345678901234567890.5' },
            b: { B: Uint8Array.from([0, 1, 2, 255, i]) },
            ss: { SS: ['a', `s${i}`] },
            ns: { NS: ['1', '2.5'] },
            bs: { BS: [Uint8Array.from([9]), Uint8Array.from([i + 10])] },
            m: { M: { nested: { L: [{ S: 'x' }, { NULL: true }, { BOOL: i % 2 === 0 }] } } },
            text: { S: 'ünïcödé\nnewline "quoted"' },
          },
        }),
      );
    }
    await client.send(
      new PutItemCommand({
        TableName: dynamo.tables.idempotency,
        Item: { id: { S: 'signals#window-1' }, expiration: { N: '1900000000' }, status: { S: 'COMPLETED' } },
      }),
    );
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
    folder.remove();
  });

  it('restores every item of every table exactly, into tables under a new prefix', async () => {
    const exported = await exportTables({
      client,
      tablePrefix: SOURCE,
      account: 'acct',
      backupsFolder: folder.path('backups'),
      nowMs: NOW,
    });
    expect(exported.file).toBe(
      join(folder.path('backups'), 'tables', 'backup-src-20261202T233000.005Z.ndjson.gz'),
    );
    expect(parseTableBackupFileName('backup-src-20261202T233000.005Z.ndjson.gz')).toStrictEqual({
      sourcePrefix: SOURCE,
      createdAtMs: NOW,
    });
    // Nothing but the finished file: the temporary one was renamed.
    expect(readdirSync(join(folder.path('backups'), 'tables'))).toStrictEqual([
      'backup-src-20261202T233000.005Z.ndjson.gz',
    ]);
    expect(exported.header.tables).toStrictEqual({
      state: { name: 'backup-src-state', items: 61 },
      lease: { name: 'backup-src-lease', items: 1 },
      idempotency: { name: 'backup-src-idempotency', items: 1 },
    });
    const lines = gunzipSync(readFileSync(exported.file)).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 63);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      format: 'trading-tables-backup',
      version: 1,
      createdAt: '2026-12-02T23:30:00.005Z',
      sourcePrefix: SOURCE,
      account: 'acct',
    });

    const backup = await readBackupFile(exported.file);
    const target = defaultRestorePrefix(SOURCE, NOW + 60_000);
    expect(target).toBe('backup-src-restored-20261202T233100.005Z');
    const restored = await restoreTables({ client, backup, targetPrefix: target });
    expect(restored).toStrictEqual([
      { table: 'state', name: `${target}-state`, items: 61 },
      { table: 'lease', name: `${target}-lease`, items: 1 },
      { table: 'idempotency', name: `${target}-idempotency`, items: 1 },
    ]);
    expect(await tableItems(client, target)).toStrictEqual(await tableItems(client, SOURCE));

    // The restored state table is an engine's: its working-orders index finds the working order.
    const documents = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    const store = new DynamoStore({ client: documents, tables: tableNames(target), account: 'acct' });
    const working = await store.listWorkingOrders();
    documents.destroy();
    expect(working.items.map((order) => order.clientOrderId)).toStrictEqual([sampleOrder().clientOrderId]);
  });

  it('refuses to restore into a prefix whose tables exist, and creates nothing', async () => {
    const exported = await exportTables({
      client,
      tablePrefix: SOURCE,
      account: 'acct',
      backupsFolder: folder.path('refuse'),
      nowMs: NOW,
    });
    const before = await listTableNames(client);
    const attempt = restoreTables({
      client,
      backup: await readBackupFile(exported.file),
      targetPrefix: SOURCE,
    });
    await expect(attempt).rejects.toThrow(
      'tables backup-src-state, backup-src-lease, backup-src-idempotency already exist',
    );
    await expect(attempt).rejects.toMatchObject({ createdTables: [] });
    expect(await listTableNames(client)).toStrictEqual(before);
  });

  it('refuses a prefix that cannot name tables', async () => {
    const exported = await exportTables({
      client,
      tablePrefix: SOURCE,
      account: 'acct',
      backupsFolder: folder.path('bad-prefix'),
      nowMs: NOW,
    });
    const backup = await readBackupFile(exported.file);
    await expect(restoreTables({ client, backup, targetPrefix: 'has space' })).rejects.toThrow(
      /table prefix "has space" must be letters, digits/,
    );
  });

  it('names the tables it created when writing fails part-way, so they can be deleted', async () => {
    // An item over DynamoDB's 400 KB limit passes the file check but is refused by the table.
    const header = JSON.parse(
      gunzipSync(
        readFileSync(
          (
            await exportTables({
              client,
              tablePrefix: SOURCE,
              account: 'acct',
              backupsFolder: folder.path('oversize'),
              nowMs: NOW,
            })
          ).file,
        ),
      )
        .toString('utf8')
        .split('\n')[0]!,
    );
    header.tables = {
      state: { name: 'x-state', items: 1 },
      lease: { name: 'x-lease', items: 0 },
      idempotency: { name: 'x-idempotency', items: 0 },
    };
    const file = writeBackup('oversize.ndjson.gz', [
      JSON.stringify(header),
      JSON.stringify({
        table: 'state',
        item: { pk: { S: 'a' }, sk: { S: 'b' }, blob: { S: 'x'.repeat(410_000) } },
      }),
    ]);
    const attempt = restoreTables({
      client,
      backup: await readBackupFile(file),
      targetPrefix: 'oversize-restore',
    });
    await expect(attempt).rejects.toBeInstanceOf(RestoreError);
    await expect(attempt).rejects.toMatchObject({
      createdTables: ['oversize-restore-state', 'oversize-restore-lease', 'oversize-restore-idempotency'],
    });
    await expect(attempt).rejects.toThrow(/delete them before trying again/);
  });

  describe('a file that is not a complete, valid backup is refused before anything is written', () => {
    let header: Record<string, unknown>;
    const item = (sk: string) => ({ table: 'state', item: { pk: { S: 'acct#order' }, sk: { S: sk } } });

    beforeAll(async () => {
      const exported = await exportTables({
        client,
        tablePrefix: SOURCE,
        account: 'acct',
        backupsFolder: folder.path('for-header'),
        nowMs: NOW,
      });
      header = JSON.parse(gunzipSync(readFileSync(exported.file)).toString('utf8').split('\n')[0]!);
      header.tables = {
        state: { name: 's-state', items: 2 },
        lease: { name: 's-lease', items: 0 },
        idempotency: { name: 's-idempotency', items: 0 },
      };
    });

    async function problemsOf(file: string): Promise<readonly string[]> {
      try {
        await readBackupFile(file);
      } catch (error) {
        if (error instanceof BackupFileError) return error.problems;
        throw error;
      }
      throw new Error(`${file} was accepted`);
    }

    it('accepts a hand-made file that follows the format', async () => {
      const file = writeBackup('good.ndjson.gz', [
        JSON.stringify(header),
        ...['a', 'b'].map((sk) => JSON.stringify(item(sk))),
      ]);
      expect((await readBackupFile(file)).items.get('state')).toHaveLength(2);
    });

    it('a cut-off gzip stream (a copy that did not finish)', async () => {
      const whole = gzipSync(
        `${JSON.stringify(header)}\n${JSON.stringify(item('a'))}\n${JSON.stringify(item('b'))}\n`,
      );
      const file = folder.write('cut.ndjson.gz', '');
      writeFileSync(file, whole.subarray(0, whole.length - 10));
      expect(await problemsOf(file)).toStrictEqual([
        expect.stringMatching(
          new RegExp(`^${escapeRegExp(file)}: not a complete gzip file \\(unexpected end of file\\)`),
        ),
      ]);
    });

    it('a file that is not gzip at all, and a file that does not exist', async () => {
      const plain = folder.write('plain.ndjson.gz', 'hello\n');
      expect((await problemsOf(plain))[0]).toMatch(/: not a complete gzip file/);
      expect(await problemsOf(folder.path('missing.ndjson.gz'))).toStrictEqual([
        `${folder.path('missing.ndjson.gz')}: cannot read the file (ENOENT)`,
      ]);
    });

    it('every bad line, by line number, and counts that do not match the header', async () => {
      const file = writeBackup('lines.ndjson.gz', [
        JSON.stringify(header),
        JSON.stringify(item('a')),
        '{not json',
        JSON.stringify({ table: 'orders', item: {} }),
        JSON.stringify({ table: 'state', item: { pk: { S: 'x' } } }),
        JSON.stringify({ table: 'state', item: { pk: { S: 'x' }, sk: { N: '1' } } }),
        JSON.stringify({ table: 'state', item: { pk: { S: 'x' }, sk: { S: 'y' }, qty: { N: 'ten' } } }),
        JSON.stringify({
          table: 'state',
          item: { pk: { S: 'x' }, sk: { S: 'y' }, m: { M: { a: { Q: 1 } } } },
        }),
        JSON.stringify({ ...item('c'), extra: 1 }),
        JSON.stringify(item('a')),
        '',
      ]);
      expect(await problemsOf(file)).toStrictEqual([
        `${file}:3: not JSON`,
        `${file}:4: table must be one of state, lease, idempotency, not "orders"`,
        `${file}:5: state item has no key attribute sk`,
        `${file}:6: state item's key attribute sk must be of type S`,
        `${file}:7: state item: attribute qty: N must be a number as a string`,
        `${file}:8: state item: attribute m.a: unknown type "Q"`,
        `${file}:9: unexpected keys extra; a line holds only table and item`,
        `${file}:10: state item with the same key as line 2`,
        `${file}:11: empty line`,
        `${file}: the header counts 2 state items, the file holds 1 (cut off or edited)`,
      ]);
    });

    it('a header of another format, version or key schema', async () => {
      const other = writeBackup('other.ndjson.gz', [JSON.stringify({ ...header, version: 2 })]);
      expect((await problemsOf(other))[0]).toMatch(
        new RegExp(`^${escapeRegExp(other)}:1: not a table backup header this version reads: version: `),
      );
      const definitions = structuredClone(header.definitions) as {
        lease: { partitionKey: { name: string } };
      };
      definitions.lease.partitionKey.name = 'id';
      const changed = writeBackup('changed.ndjson.gz', [JSON.stringify({ ...header, definitions })]);
      expect(await problemsOf(changed)).toStrictEqual([
        `${changed}:1: the backed-up tables were defined differently (keys or indexes) from the tables this version creates; restore with the version that wrote the file`,
      ]);
      const empty = writeBackup('empty.ndjson.gz', []);
      expect(await problemsOf(empty)).toStrictEqual([`${empty}: the file is empty (no header line)`]);
    });
  });

  function writeBackup(name: string, lines: readonly string[]): string {
    const file = folder.path(name);
    writeFileSync(file, gzipSync(lines.length === 0 ? '' : `${lines.join('\n')}\n`));
    return file;
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
