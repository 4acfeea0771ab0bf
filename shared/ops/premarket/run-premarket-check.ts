/**
 * The pre-market check (09:00 New York on weekdays): is everything ready for the open? Reads the
 * broker's calendar first — a day without a session is skipped and says so — then, side by side,
 * the engine's health, the broker's account, clock and positions, and the lease, and judges each
 * (premarket-checks.ts). Any failed check makes the outcome `problems`; a calendar that cannot be
 * read makes the run `failed`. Reads only: it never sends an order.
 */

import type { EngineApiClient } from '../../api/engine-api-client.ts';
import type { RiskLimits } from '../../config/risk-schema.ts';
import type { SystemConfig } from '../../config/system-schema.ts';
import type { LeaseStore } from '../../store/lease-store.ts';
import type { Clock } from '../../time/clock.ts';
import { addDays, newYorkDate } from '../../time/new-york-time.ts';
import type { TradingVenue } from '../../venue/trading-venue.ts';
import { described, describeFailure } from '../describe-failure.ts';
import type { OpsCheck } from '../ops-check.ts';
import { OPS_METRICS, type OpsMetrics } from '../ops-metrics.ts';
import type { OpsJobResult } from '../run-ops-job.ts';
import { nextSessionAfter, sessionOn } from '../trading-day.ts';
import {
  judgeBrokerAccount,
  judgeConfig,
  judgeEngineHealth,
  judgeEngineReady,
  judgeLease,
  judgeMarketClock,
  judgePositionsAgainstLimits,
  PREMARKET_CHECKS,
  type Reading,
} from './premarket-checks.ts';

export type PremarketBroker = Pick<TradingVenue, 'getAccount' | 'getClock' | 'getCalendar' | 'listPositions'>;

export interface PremarketCheckDependencies {
  readonly broker: PremarketBroker;
  readonly engine: Pick<EngineApiClient, 'health'>;
  readonly leases: Pick<LeaseStore, 'read'>;
  readonly system: SystemConfig;
  readonly limits: RiskLimits;
  readonly clock: Clock;
  readonly metrics: OpsMetrics;
}

async function read<T>(what: string, load: () => Promise<T>): Promise<Reading<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, error: describeFailure(what, error) };
  }
}

export async function runPremarketCheck(deps: PremarketCheckDependencies): Promise<OpsJobResult> {
  const nowMs = deps.clock.nowMs();
  const today = newYorkDate(nowMs);
  // Ten days ahead names the next session after a long closure.
  const calendar = await described("reading the broker's calendar", () =>
    deps.broker.getCalendar(today, addDays(today, 10)),
  );
  const session = sessionOn(today, calendar);
  if (session === null) {
    const next = nextSessionAfter(today, calendar);
    for (const name of PREMARKET_CHECKS) deps.metrics.record(OPS_METRICS.premarketCheckFailed(name), 0);
    return {
      newYorkDate: today,
      outcome: 'skipped',
      summary: `no session on ${today} in the broker's calendar (weekend, holiday or closure); next session ${next?.date ?? 'not in the next 10 days'}`,
      table: { columns: [], rows: [] },
      detail: { session: null, nextSession: next?.date ?? null },
    };
  }

  const [health, account, clock, positions, lease] = await Promise.all([
    read('engine API', () => deps.engine.health()),
    read("reading the broker's account", () => deps.broker.getAccount()),
    read("reading the broker's clock", () => deps.broker.getClock()),
    read("reading the broker's positions", () => deps.broker.listPositions()),
    read('reading the engine lease', () => deps.leases.read()),
  ]);
  const checks: OpsCheck[] = [
    judgeEngineHealth(health),
    judgeEngineReady(health),
    judgeBrokerAccount(account),
    judgeMarketClock(clock, session),
    judgePositionsAgainstLimits(positions, deps.limits, deps.system.marketData.symbols),
    judgeConfig(deps.system),
    judgeLease(lease, nowMs),
  ];
  for (const result of checks) {
    deps.metrics.record(OPS_METRICS.premarketCheckFailed(result.name), result.status === 'fail' ? 1 : 0);
  }
  const failed = checks.filter((result) => result.status === 'fail');
  const warned = checks.filter((result) => result.status === 'warn');
  const sessionText = `session ${session.open}–${session.close}${session.halfDay ? ' (half day)' : ''}`;
  return {
    newYorkDate: today,
    outcome: failed.length > 0 ? 'problems' : 'ok',
    summary:
      failed.length > 0
        ? `${failed.length} of ${checks.length} checks failed: ${failed.map((result) => result.name).join(', ')}; ${sessionText}`
        : `all ${checks.length} checks passed${warned.length > 0 ? ` (${warned.length} with warnings)` : ''}; ${sessionText}`,
    table: {
      columns: ['check', 'status', 'detail'],
      rows: checks.map((result) => [result.name, result.status, result.detail]),
    },
    detail: {
      session: { date: session.date, open: session.open, close: session.close, halfDay: session.halfDay },
      checks,
    },
  };
}
