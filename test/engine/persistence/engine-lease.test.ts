import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EngineLease, type LeaseLoss } from '../../../engine/persistence/engine-lease.ts';
import { type LocalDynamo, startLocalDynamo } from '../../../local/local-dynamo.ts';
import { createDocumentClient } from '../../../shared/store/dynamo-client.ts';
import { DynamoLeaseStore } from '../../../shared/store/dynamo-lease-store.ts';
import type { LeaseStore } from '../../../shared/store/lease-store.ts';
import { type Clock, ManualClock, systemClock } from '../../../shared/time/clock.ts';
import { T0 } from '../../shared/store/store-fixtures.ts';

const silent = pino({ level: 'silent' });
const TTL = 10_000;

describe('Class: EngineLease (against dynalite over loopback)', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDocumentClient>;
  let accounts = 0;
  const leases: EngineLease[] = [];

  function leaseStore(account: string): DynamoLeaseStore {
    return new DynamoLeaseStore({ client, table: dynamo.tables.lease, account });
  }

  function contender(account: string, holderId: string, clock: Clock, timing: { ttlMs?: number } = {}) {
    const losses: LeaseLoss[] = [];
    const lease = new EngineLease({
      store: leaseStore(account),
      clock,
      logger: silent,
      holderId,
      ttlMs: timing.ttlMs ?? TTL,
      safetyMarginMs: 2_000,
      ...(timing.ttlMs === undefined
        ? {}
        : { renewEveryMs: timing.ttlMs / 4, safetyMarginMs: timing.ttlMs / 4 }),
      onLost: (loss) => losses.push(loss),
    });
    leases.push(lease);
    return { lease, losses };
  }

  function freshAccount(): string {
    accounts += 1;
    return `lease-${accounts}`;
  }

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ tablePrefix: 'lease-test' });
    client = createDocumentClient({ region: dynamo.region, endpoint: dynamo.endpoint });
  });

  afterEach(async () => {
    await Promise.all(leases.splice(0).map((lease) => lease.stop()));
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('lets exactly one of two simultaneous contenders hold the lease', async () => {
    const account = freshAccount();
    const clock = new ManualClock(T0);
    const a = contender(account, 'engine-a', clock);
    const b = contender(account, 'engine-b', clock);

    const results = await Promise.all([a.lease.start(), b.lease.start()]);

    expect(results.filter((r) => r.ok)).toStrictEqual([{ ok: true, fencingToken: 1 }]);
    expect([a.lease.state, b.lease.state].sort()).toStrictEqual(['held', 'idle']);
    const winner = a.lease.state === 'held' ? a.lease : b.lease;
    const loser = a.lease.state === 'held' ? b.lease : a.lease;
    expect(winner.canSend(1)).toBe(true);
    expect(loser.canSend(1)).toBe(false);
  });

  it('refuses a second engine and says who holds the lease and until when', async () => {
    const account = freshAccount();
    const clock = new ManualClock(T0);
    await contender(account, 'engine-a', clock).lease.start();
    clock.advanceMs(TTL - 1);

    const second = await contender(account, 'engine-b', clock).lease.start();

    expect(second).toStrictEqual({
      ok: false,
      reason: 'held',
      message: `account ${account} is traded by another engine (holder engine-a with fencing token 1, held, expires at ${new Date(T0 + TTL).toISOString()}); this engine will not trade`,
    });
  });

  it('hands an expired lease to the next engine with a higher fencing token', async () => {
    const account = freshAccount();
    const clockA = new ManualClock(T0);
    const clockB = new ManualClock(T0 + TTL);
    expect(await contender(account, 'engine-a', clockA).lease.start()).toStrictEqual({
      ok: true,
      fencingToken: 1,
    });
    expect(await contender(account, 'engine-b', clockB).lease.start()).toStrictEqual({
      ok: true,
      fencingToken: 2,
    });
    clockB.advanceMs(TTL);
    expect(await contender(account, 'engine-c', clockB).lease.start()).toStrictEqual({
      ok: true,
      fencingToken: 3,
    });
  });

  it('refuses every order of a paused holder once its lease is due to expire, and tells the engine once', async () => {
    const account = freshAccount();
    const clockA = new ManualClock(T0);
    const a = contender(account, 'engine-a', clockA);
    await a.lease.start();
    expect(a.lease.canSend(1)).toBe(true);

    // The process pauses (GC, SIGSTOP) past its deadline; another engine takes over meanwhile.
    clockA.advanceMs(TTL - 2_000);
    const b = contender(account, 'engine-b', new ManualClock(T0 + TTL));
    expect(await b.lease.start()).toStrictEqual({ ok: true, fencingToken: 2 });

    expect(a.lease.canSend(1)).toBe(false);
    expect(a.lease.canSend(1)).toBe(false);
    expect(await a.lease.renewNow()).toBe(false);
    expect(a.losses.map((loss) => loss.reason)).toStrictEqual(['renewal_overdue']);
    expect(a.lease.state).toBe('lost');
    expect(b.lease.canSend(2)).toBe(true);
  });

  it('lets a paused holder write nothing more once its lease is due to expire, and tells the engine', async () => {
    const account = freshAccount();
    const clock = new ManualClock(T0);
    const a = contender(account, 'engine-a', clock);
    // Nothing is fenced before the lease is first taken (tools, tests and start-up write freely).
    expect(a.lease.mayWrite()).toBe(true);
    await a.lease.start();
    expect(a.lease.mayWrite()).toBe(true);

    // The process pauses past its send deadline; its queued batch is about to go out on resume.
    clock.advanceMs(TTL - 2_000);
    expect(a.lease.mayWrite()).toBe(false);
    expect(a.losses.map((loss) => loss.reason)).toStrictEqual(['renewal_overdue']);
    expect(a.lease.mayWrite()).toBe(false);
  });

  it('stops at its next renewal when another engine took over while its own clock lagged', async () => {
    const account = freshAccount();
    const a = contender(account, 'engine-a', new ManualClock(T0));
    await a.lease.start();
    await contender(account, 'engine-b', new ManualClock(T0 + TTL)).lease.start();

    expect(await a.lease.renewNow()).toBe(false);

    expect(a.lease.canSend(1)).toBe(false);
    expect(a.losses).toHaveLength(1);
    expect(a.losses[0]?.reason).toBe('taken_over');
    expect(a.losses[0]?.message).toContain('holder engine-b with fencing token 2');
  });

  it('waits at start-up for a dead engine’s lease to lapse, then takes it', async () => {
    const account = freshAccount();
    await contender(account, 'dead-engine', new ManualClock(T0)).lease.start();
    const clock = new ManualClock(T0 + 1_000);
    const sleeps: number[] = [];
    const restarted = contender(account, 'restarted', clock);

    const result = await restarted.lease.startWhenFree({
      timeoutMs: 60_000,
      retryEveryMs: 2_000,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advanceMs(ms);
      },
    });

    expect(result).toStrictEqual({ ok: true, fencingToken: 2 });
    expect(sleeps).toStrictEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
  });

  it('gives up waiting after its timeout and says who holds the lease', async () => {
    const account = freshAccount();
    await contender(account, 'live-engine', new ManualClock(T0)).lease.start();
    const clock = new ManualClock(T0);
    const second = contender(account, 'second', clock);
    const result = await second.lease.startWhenFree({
      timeoutMs: 3_000,
      retryEveryMs: 2_000,
      sleep: async (ms) => clock.advanceMs(ms),
    });
    expect(result).toMatchObject({ ok: false, reason: 'held' });
    expect(result.ok ? '' : result.message).toContain('holder live-engine');
    expect(second.lease.state).toBe('idle');
  });

  it('extends the deadline on each renewal', async () => {
    const account = freshAccount();
    const clock = new ManualClock(T0);
    const a = contender(account, 'engine-a', clock);
    await a.lease.start();
    for (let i = 0; i < 5; i++) {
      clock.advanceMs(TTL / 2);
      expect(await a.lease.renewNow()).toBe(true);
    }
    expect(a.lease.canSend(1)).toBe(true);
    const stored = await leaseStore(account).read();
    expect(stored).toMatchObject({
      status: 'found',
      value: { fencingToken: 1, expiresAtMs: T0 + 2.5 * TTL + TTL },
    });
  });

  it('refuses an order stamped with another token', async () => {
    const account = freshAccount();
    const a = contender(account, 'engine-a', new ManualClock(T0));
    await a.lease.start();
    expect(a.lease.canSend(0)).toBe(false);
    expect(a.lease.canSend(2)).toBe(false);
    expect(a.losses).toStrictEqual([]);
  });

  it('releases cleanly on stop, so the next engine need not wait for expiry', async () => {
    const account = freshAccount();
    const clock = new ManualClock(T0);
    const a = contender(account, 'engine-a', clock);
    await a.lease.start();
    await a.lease.stop('SIGTERM');
    expect(a.lease.canSend(1)).toBe(false);
    expect(await leaseStore(account).read()).toMatchObject({
      status: 'found',
      value: { status: 'released', releaseReason: 'SIGTERM', releasedAtMs: T0 },
    });
    expect(await contender(account, 'engine-b', clock).lease.start()).toStrictEqual({
      ok: true,
      fencingToken: 2,
    });
  });

  it('stops by itself at the deadline when the store cannot be reached, and tells the engine', async () => {
    const account = freshAccount();
    const reachable = leaseStore(account);
    let partitioned = false;
    const store: LeaseStore = {
      account,
      read: () => reachable.read(),
      acquire: (request) => reachable.acquire(request),
      release: (holding, nowMs, reason) => reachable.release(holding, nowMs, reason),
      renew: (holding, request) => {
        if (partitioned)
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        return reachable.renew(holding, request);
      },
    };
    const lost = new Promise<LeaseLoss>((resolve) => {
      const lease = new EngineLease({
        store,
        clock: systemClock,
        logger: silent,
        holderId: 'engine-a',
        ttlMs: 400,
        renewEveryMs: 100,
        safetyMarginMs: 100,
        onLost: resolve,
      });
      leases.push(lease);
      void lease.start().then(() => {
        partitioned = true;
      });
    });

    const loss = await lost;

    expect(loss.reason).toBe('renewal_overdue');
    expect(leases.at(-1)?.canSend(1)).toBe(false);
  });

  it('stops sending even when the release cannot reach the store, leaving the lease to lapse', async () => {
    const account = freshAccount();
    const reachable = leaseStore(account);
    const store: LeaseStore = {
      account,
      read: () => reachable.read(),
      acquire: (request) => reachable.acquire(request),
      renew: (holding, request) => reachable.renew(holding, request),
      release: () =>
        Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    };
    const lease = new EngineLease({
      store,
      clock: new ManualClock(T0),
      logger: silent,
      holderId: 'a',
      onLost: () => {},
    });
    await lease.start();

    await lease.stop('SIGTERM');

    expect(lease.canSend(1)).toBe(false);
    expect(await reachable.read()).toMatchObject({
      status: 'found',
      value: { status: 'held', holderId: 'a' },
    });
  });

  it('keeps the lease with its own heartbeats across several lifetimes', async () => {
    const account = freshAccount();
    const a = contender(account, 'engine-a', systemClock, { ttlMs: 1_000 });
    await a.lease.start();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(a.lease.canSend(1)).toBe(true);
    expect(a.losses).toStrictEqual([]);
    expect((await contender(account, 'engine-b', systemClock, { ttlMs: 1_000 }).lease.start()).ok).toBe(
      false,
    );
  });
});
