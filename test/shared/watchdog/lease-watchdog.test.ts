import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalWatchdog } from '../../../functions/watchdog/local-watchdog-timer.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { runWatchdog, type WatchdogOutcome } from '../../../shared/watchdog/lease-watchdog.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';

const silent = pino({ level: 'silent' });
const TTL = 10_000;
const log = { info: () => {}, error: () => {} };

describe('Function: runWatchdog (dynalite and the simulator over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let sim: Simulator;
  let broker: AlpacaTradingClient;
  let accounts = 0;
  let account: string;
  let leases: DynamoLeaseStore;
  let clock: ManualClock;

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'watchdog-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  beforeEach(async () => {
    sim = await startSimulator({ logger: silent });
    broker = new AlpacaTradingClient({
      baseUrl: sim.baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    accounts += 1;
    account = `watchdog-${accounts}`;
    leases = new DynamoLeaseStore({ client, table: dynamo.tables.lease, account });
    clock = new ManualClock(Date.now());
  });

  afterEach(async () => {
    await broker.close();
    await sim.close();
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  /** What a running engine leaves behind: a held lease and resting orders at the broker. */
  async function engineWithWorkingOrders(count: number): Promise<number> {
    const acquired = await leases.acquire({ holderId: 'engine-a', nowMs: clock.nowMs(), ttlMs: TTL });
    if (!acquired.ok) throw new Error('test setup: lease not acquired');
    for (let i = 0; i < count; i++) {
      await broker.submitOrder({
        symbol: 'AAPL',
        qty: parseFixed('1'),
        side: 'buy',
        type: 'limit',
        limitPrice: parseFixed('1.00'),
        timeInForce: 'day',
        clientOrderId: `rest-${account}-${i}`,
      });
    }
    return acquired.lease.fencingToken;
  }

  async function openOrders(): Promise<number> {
    return (await broker.listOrders({ status: 'open' })).length;
  }

  function watchdog(signals = recordingSignals(), extra: Partial<Parameters<typeof runWatchdog>[0]> = {}) {
    return runWatchdog({ leases, broker, signals, clock, log, holderId: 'watchdog-run', ...extra });
  }

  function recordingSignals() {
    const lapses: unknown[] = [];
    const unreadable: string[] = [];
    return {
      lapses,
      unreadable,
      leaseLapsed: (acct: string, summary: unknown) => lapses.push({ acct, summary }),
      leaseUnreadable: (acct: string) => unreadable.push(acct),
    };
  }

  it('cancels every working order and raises the P0 once the lease lapses without a clean stop', async () => {
    await engineWithWorkingOrders(3);
    expect(await openOrders()).toBe(3);
    const signals = recordingSignals();
    clock.advanceMs(TTL + 1_000);

    const outcome = await watchdog(signals);

    expect(outcome).toMatchObject({
      outcome: 'cancelled',
      lapsed: { holderId: 'engine-a', fencingToken: 1 },
      summary: { cancelled: 3, alreadyDone: 0, failed: 0 },
    });
    expect(await openOrders()).toBe(0);
    expect(signals.lapses).toStrictEqual([
      { acct: account, summary: { cancelled: 3, alreadyDone: 0, failed: 0 } },
    ]);
    // The watchdog held the lease (token 2) while cancelling and released it: the next engine gets 3.
    expect(await leases.read()).toMatchObject({
      status: 'found',
      value: { status: 'released', fencingToken: 2 },
    });
    expect(await leases.acquire({ holderId: 'engine-b', nowMs: clock.nowMs(), ttlMs: TTL })).toMatchObject({
      ok: true,
      lease: { fencingToken: 3 },
    });
  });

  it('does nothing after a clean release', async () => {
    const token = await engineWithWorkingOrders(2);
    await leases.release({ holderId: 'engine-a', fencingToken: token }, clock.nowMs(), 'SIGTERM');
    const signals = recordingSignals();
    clock.advanceMs(10 * TTL);

    expect(await watchdog(signals)).toStrictEqual({ outcome: 'released' });
    expect(await openOrders()).toBe(2);
    expect(signals.lapses).toStrictEqual([]);
  });

  it('leaves a live engine alone, and finds nothing to do for an account that never had an engine', async () => {
    await engineWithWorkingOrders(1);
    clock.advanceMs(TTL / 4);
    expect(await watchdog()).toMatchObject({ outcome: 'held', lease: { holderId: 'engine-a' } });
    expect(await openOrders()).toBe(1);
    leases = new DynamoLeaseStore({ client, table: dynamo.tables.lease, account: `${account}-none` });
    expect(await watchdog()).toStrictEqual({ outcome: 'no_lease' });
  });

  it('does not count a lease as lapsed within the clock-skew margin after expiry', async () => {
    await engineWithWorkingOrders(1);
    clock.advanceMs(TTL + 500);
    expect(await watchdog(recordingSignals(), { skewMarginMs: 1_000 })).toMatchObject({ outcome: 'held' });
    expect(await openOrders()).toBe(1);
  });

  it('waits in the same run for a lease whose renewals are overdue, so the cancel is not a minute late', async () => {
    await engineWithWorkingOrders(2);
    clock.advanceMs(TTL * 0.6);
    const sleep = async (ms: number) => clock.advanceMs(ms);
    expect(await watchdog(recordingSignals(), { waitForOverdueMs: 60_000, sleep })).toMatchObject({
      outcome: 'cancelled',
    });
    expect(await openOrders()).toBe(0);
  });

  it('raises the P0 when the cancel fails, keeps new engines out, and retries after its own hold lapses', async () => {
    await engineWithWorkingOrders(2);
    clock.advanceMs(TTL + 1_000);
    const unreachable = new AlpacaTradingClient({
      baseUrl: 'http://127.0.0.1:9',
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    const signals = recordingSignals();

    const failed = await watchdog(signals, { broker: unreachable, holdMs: 30_000 });
    await unreachable.close();

    expect(failed).toMatchObject({ outcome: 'cancel_failed', summary: { cancelled: 0, failed: 1 } });
    expect(signals.lapses).toHaveLength(1);
    expect(await leases.acquire({ holderId: 'engine-b', nowMs: clock.nowMs(), ttlMs: TTL })).toMatchObject({
      ok: false,
      reason: 'held',
    });
    clock.advanceMs(32_000);
    expect(await watchdog(signals)).toMatchObject({ outcome: 'cancelled', summary: { cancelled: 2 } });
    expect(await openOrders()).toBe(0);
  });

  it('runs on its own timer locally and sets the P0 gauge', async () => {
    await engineWithWorkingOrders(2);
    const registry = new Registry();
    const outcomes: WatchdogOutcome[] = [];
    const cancelled = new Promise<void>((resolve) => {
      const local = startLocalWatchdog({
        leases,
        broker,
        clock,
        logger: silent,
        registry,
        intervalMs: 20,
        onRun: (outcome) => {
          outcomes.push(outcome);
          if (outcome.outcome === 'cancelled') void local.close().then(resolve);
        },
      });
    });
    clock.advanceMs(TTL + 1_000);

    await cancelled;

    expect(await openOrders()).toBe(0);
    const gauge = await registry.getSingleMetric('watchdog_lease_lapsed')?.get();
    expect(gauge?.values).toStrictEqual([{ labels: { account }, value: 1 }]);
    const cancels = await registry.getSingleMetric('watchdog_order_cancels_total')?.get();
    expect(cancels?.values.find((v) => v.labels.result === 'cancelled')?.value).toBe(2);
  });
});
