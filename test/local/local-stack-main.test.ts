import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/store/dynamo-client.ts';
import { DynamoStore } from '../../shared/store/dynamo-store.ts';
import { tableNames } from '../../shared/store/table-definitions.ts';
import { sampleOrder } from '../shared/store/store-fixtures.ts';
import { shippedSystemConfig } from '../support/shipped-config.ts';
import { tempFolder } from '../support/temp-files.ts';

const repo = join(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the CLI and resolves once it logs that the stack is up. */
function startStack(configFile: string, dataPath: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['local/local-stack-main.ts', '--config', configFile, '--data', dataPath],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('local stack started')) resolve(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`local stack exited with ${code}: ${output}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('CLI: local/local-stack-main.ts', () => {
  const folder = tempFolder();
  const children: ChildProcess[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  afterAll(() => folder.remove());

  it('serves the configured endpoint, stops cleanly on SIGTERM, and keeps its data for the next start', async () => {
    const port = await freePort();
    const config = shippedSystemConfig();
    const endpoint = `http://127.0.0.1:${port}`;
    const configFile = folder.write(
      'system.json',
      JSON.stringify({ ...config, store: { region: 'us-east-1', tablePrefix: 'cli-test', endpoint } }),
    );
    copyFileSync(join(repo, 'config/risk_limits.toml'), folder.path('risk_limits.toml'));
    const dataPath = folder.path('dynamo');
    const client = createDocumentClient({ region: 'us-east-1', endpoint });
    const store = new DynamoStore({ client, tables: tableNames('cli-test'), account: 'local-sim' });

    const first = await startStack(configFile, dataPath);
    children.push(first);
    await store.putOrder(sampleOrder());
    expect(await stop(first)).toBe(0);

    const second = await startStack(configFile, dataPath);
    children.push(second);
    const read = await store.getOrder(sampleOrder().clientOrderId);
    expect(await stop(second)).toBe(0);
    client.destroy();

    expect(read).toStrictEqual({ status: 'found', value: sampleOrder() });
  });
});
