/**
 * Where a running local stack (`npm start`) can be reached: written by the launcher once every
 * process is up, beside the data folder, removed when it stops. `npm run job` and `npm run
 * restore` and `npm run ctl` read it, so they find the stack whatever ports it took.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const loopbackUrl = z.url().refine((text) => ['127.0.0.1', 'localhost'].includes(new URL(text).hostname), {
  message: 'must be a loopback URL',
});

const localEndpointsSchema = z.strictObject({
  pid: z.number().int().positive(),
  tradingUrl: loopbackUrl.optional(),
  dynamoEndpoint: loopbackUrl,
  sqsEndpoint: loopbackUrl.optional(),
  engineApi: loopbackUrl,
  /** The engine API's token for each role, for `npm run ctl` and the dashboard. */
  apiTokens: z
    .strictObject({ read: z.string(), operator: z.string(), admin: z.string() })
    .partial()
    .optional(),
});
export type LocalEndpoints = z.infer<typeof localEndpointsSchema>;

/** The post-market reports beside the local tables (`.data/dynamo` → `.data/reports`). */
export function localReportsFolder(dataFolder: string): string {
  return join(dirname(dataFolder), 'reports');
}

/** The backups beside the local tables (`.data/dynamo` → `.data/backups`). */
export function localBackupsFolder(dataFolder: string): string {
  return join(dirname(dataFolder), 'backups');
}

/** The file beside the data folder of the local stack (`.data/dynamo` → `.data/local-endpoints.json`). */
export function localEndpointsFile(dataFolder: string): string {
  return join(dirname(dataFolder), 'local-endpoints.json');
}

/** Readable by this user only: it holds the API tokens. */
export function writeLocalEndpoints(file: string, endpoints: LocalEndpoints): void {
  writeFileSync(file, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
}

/** Removes the file if this process wrote it: a second `npm start` that failed leaves the first one's. */
export function removeLocalEndpoints(file: string, pid: number): void {
  let written: unknown;
  try {
    written = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return;
  }
  if ((written as { pid?: unknown }).pid === pid) rmSync(file, { force: true });
}

/** The endpoints of a running local stack, undefined when none runs; a malformed file is an error naming it. */
export function readLocalEndpoints(file: string): LocalEndpoints | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: ReturnType<typeof localEndpointsSchema.safeParse>;
  try {
    parsed = localEndpointsSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(`${file} is not JSON; delete it (npm start writes it again)`);
  }
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`,
    );
    throw new Error(`${file} is invalid (${problems.join('; ')}); delete it (npm start writes it again)`);
  }
  if (!processAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
