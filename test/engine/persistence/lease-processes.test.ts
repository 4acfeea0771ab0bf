import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineLease } from '../../../engine/persistence/engine-lease.ts';
import { type LocalWatchdog, startLocalWatchdog } from '../../../functions/watchdog/local-watchdog-timer.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { systemClock } from '../../../shared/time/clock.ts';
import type { WatchdogOutcome } from '../../../shared/watchdog/lease-watchdog.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';

const TTL_MS = 2_000;
const silent = pino({ level: 'silent' });
const FIXTURE = join(import.meta.dirname, 'fixtures/lease-holder-process.ts');

interface HolderProcess {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[];
  /** Resolves with the first event matching, or rejects if the process exits first. */
  waitFor(predicate: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

describe('Engine lease across real processes (SIGKILL, SIGSTOP), dynalite and the simulator', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let sim: Simulator;
  let broker: AlpacaTradingClient;
  const children: ChildProcess[] = [];
  const watchdogs: LocalWatchdog[] = [];
  const leases: EngineLease[] = [];
  let accounts = 0;

  function startHolder(account: string): HolderProcess {
    const child = spawn(
      process.execPath,
      [FIXTURE, dynamo.endpoint, 'process-test', account, sim.baseUrl, String(TTL_MS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const events: Record<string, unknown>[] = [];
    const listeners: (() => void)[] = [];
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) events.push(JSON.parse(line) as Record<string, unknown>);
      for (const listener of listeners) listener();
    });
    return {
      child,
      events,
      waitFor: (predicate) =>
        new Promise((resolve, reject) => {
          const check = () => {
            const found = events.find(predicate);
            if (found !== undefined) resolve(found);
          };
          listeners.push(check);
          check();
          child.once('exit', (code, signal) =>
            reject(new Error(`holder exited (${code ?? signal}) before the event`)),
          );
        }),
    };
  }

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'process-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
    sim = await startSimulator({ logger: silent });
    broker = new AlpacaTradingClient({
      baseUrl: sim.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.signalCode === null && child.exitCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
    }
    await Promise.all(watchdogs.splice(0).map((watchdog) => watchdog.close()));
    await Promise.all(leases.splice(0).map((lease) => lease.stop()));
  });

  afterAll(async () => {
    await broker.close();
    await sim.close();
    client.destroy();
    await dynamo.close();
  });

  it('has the watchdog cancel the working orders of an engine killed with SIGKILL', async () => {
    accounts += 1;
    const account = `killed-${accounts}`;
    const leaseStore = new DynamoLeaseStore({ client, table: dynamo.tables.lease, account });
    const outcomes: WatchdogOutcome[] = [];
    const cancelled = new Promise<void>((resolve) => {
      watchdogs.push(
        startLocalWatchdog({
          leases: leaseStore,
          broker,
          clock: systemClock,
          logger: silent,
          registry: new Registry(),
          intervalMs: 100,
          onRun: (outcome) => {
            outcomes.push(outcome);
            if (outcome.outcome === 'cancelled') resolve();
          },
        }),
      );
    });
    const holder = startHolder(account);
    await holder.waitFor((event) => event.event === 'orders_placed');
    const mine = (await broker.listOrders({ status: 'open' })).filter((o) =>
      o.clientOrderId.startsWith(account),
    );
    expect(mine).toHaveLength(2);
    expect(outcomes.every((outcome) => outcome.outcome === 'held' || outcome.outcome === 'no_lease')).toBe(
      true,
    );

    holder.child.kill('SIGKILL');
    await cancelled;

    const open = (await broker.listOrders({ status: 'open' })).filter((o) =>
      o.clientOrderId.startsWith(account),
    );
    expect(open).toStrictEqual([]);
    expect(outcomes.at(-1)).toMatchObject({
      outcome: 'cancelled',
      lapsed: { holderId: `process-${holder.child.pid}` },
    });
  });

  it('refuses every order of an engine paused past its lease once it resumes, while the new holder trades', async () => {
    accounts += 1;
    const account = `paused-${accounts}`;
    const holder = startHolder(account);
    await holder.waitFor((event) => event.event === 'orders_placed');
    await holder.waitFor((event) => event.event === 'tick' && event.canSend === true);

    holder.child.kill('SIGSTOP');
    const pausedAtMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS + 100));
    const successor = new EngineLease({
      store: new DynamoLeaseStore({ client, table: dynamo.tables.lease, account }),
      clock: systemClock,
      logger: silent,
      holderId: 'successor',
      ttlMs: 5_000,
      onLost: () => {},
    });
    leases.push(successor);
    expect(await successor.start()).toStrictEqual({ ok: true, fencingToken: 2 });
    holder.child.kill('SIGCONT');

    await holder.waitFor((event) => event.event === 'lost');
    await holder.waitFor((event) => event.event === 'tick' && Number(event.atMs) > pausedAtMs + TTL_MS);
    const afterResume = holder.events.filter(
      (event) => event.event === 'tick' && Number(event.atMs) > pausedAtMs,
    );
    expect(afterResume.length).toBeGreaterThan(0);
    expect(afterResume.every((event) => event.canSend === false)).toBe(true);
    expect(successor.canSend(2)).toBe(true);
  });

  it('refuses a second engine process for the same account and says why', async () => {
    accounts += 1;
    const account = `second-${accounts}`;
    const first = startHolder(account);
    await first.waitFor((event) => event.event === 'orders_placed');
    const second = startHolder(account);
    const refused = await second.waitFor((event) => event.event === 'refused');
    expect(String(refused.message)).toContain(
      `account ${account} is traded by another engine (holder process-${first.child.pid}`,
    );
  });
});
