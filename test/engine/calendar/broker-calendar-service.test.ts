/**
 * The broker calendar service against the simulator over loopback (NYSE hours on a virtual clock,
 * so the dates are fixed), an unreachable one, injected faults, and malformed answers.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerCalendarService } from '../../../engine/calendar/broker-calendar-service.ts';
import { AlpacaTradingClient } from '../../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../../shared/broker/simulator-credentials.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import { newYorkToUtcMs } from '../../../shared/time/new-york-time.ts';
import { TradingCalendar } from '../../../shared/time/trading-calendar.ts';
import { type Simulator, startSimulator } from '../../../sim/simulator.ts';
import { armFault, waitFor } from '../execution/router-harness.ts';

const credentials = { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY };
/** Tuesday before Thanksgiving 2026, 10:00 New York: the regular session. */
const TUESDAY_10AM = newYorkToUtcMs('2026-11-24', 10 * 60);
/** Short enough for a test to watch retries happen. */
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 50 };

interface Running {
  readonly service: BrokerCalendarService;
  readonly calendar: TradingCalendar;
  readonly registry: Registry;
  readonly client: AlpacaTradingClient;
}

async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const values = (await registry.getSingleMetric(name)!.get()).values;
  const found = values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v));
  return found?.value ?? 0;
}

function refreshes(registry: Registry, outcome: string): Promise<number> {
  return metric(registry, 'calendar_refresh_total', { outcome });
}

/** Polls until `outcome` has been counted `times` times (retries run on timers). */
async function counted(registry: Registry, outcome: string, times: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if ((await refreshes(registry, outcome)) >= times) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${times} refreshes counted ${outcome}`);
}

describe('Class: BrokerCalendarService', () => {
  let simulator: Simulator | undefined;
  let running: Running | undefined;

  afterEach(async () => {
    await running?.service.stop();
    await running?.client.close();
    await simulator?.close();
    running = undefined;
    simulator = undefined;
  });

  function serve(
    clientOptions: { baseUrl: string; dispatcher?: MockAgent },
    options: { refreshEveryMs?: number } = {},
  ): Running {
    const client = new AlpacaTradingClient({ ...clientOptions, credentials, timeoutMs: 2_000 });
    const calendar = new TradingCalendar();
    const registry = new Registry();
    const service = new BrokerCalendarService({
      broker: client,
      calendar,
      clock: new ManualClock(TUESDAY_10AM),
      logger: pino({ level: 'silent' }),
      registry,
      retry: FAST_RETRY,
      ...options,
    });
    running = { service, calendar, registry, client };
    return running;
  }

  async function nyseSimulator(): Promise<Simulator> {
    simulator = await startSimulator({
      market: 'scripted',
      sessionHours: 'nyse',
      clock: new ManualClock(TUESDAY_10AM),
    });
    return simulator;
  }

  it("loads the simulator's calendar and clock, 10 days back to 40 ahead, and says the broker's is in use", async () => {
    const sim = await nyseSimulator();
    const { service, calendar, registry } = serve({ baseUrl: sim.baseUrl });
    await service.start();
    expect(calendar.revision).toBe(1);
    expect(calendar.brokerCovers(newYorkToUtcMs('2026-11-14', 0))).toBe(true);
    expect(calendar.brokerCovers(newYorkToUtcMs('2027-01-03', 0))).toBe(true);
    expect(calendar.brokerCovers(newYorkToUtcMs('2027-01-04', 0))).toBe(false);
    expect(calendar.isTradingDay('2026-11-26')).toBe(false);
    expect(calendar.tradingDay('2026-11-27')?.closeMinute).toBe(13 * 60);
    expect(calendar.isRegularOpen(TUESDAY_10AM)).toBe(true);
    expect(calendar.closedByBroker(newYorkToUtcMs('2026-11-24', 17 * 60))).toBe('outside_hours');
    expect(await refreshes(registry, 'ok')).toBe(1);
    expect(await metric(registry, 'calendar_broker_in_use')).toBe(1);
  });

  it('refreshes once a day: a new load each interval', async () => {
    const sim = await nyseSimulator();
    const { service, calendar, registry } = serve({ baseUrl: sim.baseUrl }, { refreshEveryMs: 20 });
    await service.start();
    await counted(registry, 'ok', 3);
    expect(calendar.revision).toBeGreaterThanOrEqual(3);
  });

  it('falls back to the rules when the broker is unreachable, and keeps retrying', async () => {
    const sim = await nyseSimulator();
    const baseUrl = sim.baseUrl;
    await sim.close();
    simulator = undefined;
    const { service, calendar, registry } = serve({ baseUrl });
    await service.start();
    expect(calendar.revision).toBe(0);
    expect(calendar.sessionDateOf(newYorkToUtcMs('2026-11-26', 12 * 60))).toBe('2026-11-27');
    expect(calendar.closedByBroker(newYorkToUtcMs('2026-11-26', 12 * 60))).toBeNull();
    expect(await metric(registry, 'calendar_broker_in_use')).toBe(0);
    expect(await refreshes(registry, 'unreachable')).toBe(1);
    await counted(registry, 'unreachable', 3);
    expect(calendar.revision).toBe(0);
  });

  it('loads on a retry after the broker answered with errors', async () => {
    const sim = await nyseSimulator();
    await armFault(sim, 'rest', {
      kind: 'status',
      status: 500,
      when: 'before',
      path: '/v2/calendar',
      count: 2,
    });
    const { service, calendar, registry } = serve({ baseUrl: sim.baseUrl });
    await service.start();
    expect(calendar.revision).toBe(0);
    await waitFor(() => calendar.revision === 1);
    expect(await refreshes(registry, 'error')).toBe(2);
    expect(await refreshes(registry, 'ok')).toBe(1);
    expect(calendar.isTradingDay('2026-11-26')).toBe(false);
  });

  it.each([
    ['a body the schema refuses', [{ date: '2026-11-24', open: '9:30', close: '16:00' }]],
    ['a day that closes before it opens', [{ date: '2026-11-24', open: '16:00', close: '09:30' }]],
    ['weeks without a session', []],
  ])('counts %s as invalid, keeps the rules and retries', async (_label, days) => {
    const origin = 'https://broker.test';
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(origin);
    pool
      .intercept({ path: (path) => path.startsWith('/v2/calendar'), method: 'GET' })
      .reply(200, days)
      .persist();
    pool
      .intercept({ path: '/v2/clock', method: 'GET' })
      .reply(200, {
        timestamp: '2026-11-24T10:00:00-05:00',
        is_open: true,
        next_open: '2026-11-25T09:30:00-05:00',
        next_close: '2026-11-24T16:00:00-05:00',
      })
      .persist();
    const { service, calendar, registry } = serve({ baseUrl: origin, dispatcher: agent });
    await service.start();
    expect(calendar.revision).toBe(0);
    expect(await refreshes(registry, 'invalid')).toBe(1);
    await counted(registry, 'invalid', 2);
    expect(calendar.revision).toBe(0);
    await service.stop();
    await agent.close();
  });
});
