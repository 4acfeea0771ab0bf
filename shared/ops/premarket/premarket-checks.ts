/**
 * The pre-market check's verdicts, one pure function per check: each takes what was read (or the
 * error reading it) and says pass, warn or fail with a sentence on-call can act on.
 */

import type { EngineHealthAnswer } from '../../api/engine-api-client.ts';
import type { RiskLimits } from '../../config/risk-schema.ts';
import type { SystemConfig } from '../../config/system-schema.ts';
import type { Account } from '../../domain/account.ts';
import { type Fixed, fixedToNumber, formatFixed } from '../../domain/fixed.ts';
import type { LeaseRecord } from '../../store/items/lease-item.ts';
import { leaseConditionAt } from '../../store/lease-store.ts';
import type { ItemRead } from '../../store/store.ts';
import { formatDuration } from '../../time/format-duration.ts';
import type { MarketClock, VenuePosition } from '../../venue/venue-types.ts';
import { check, type OpsCheck } from '../ops-check.ts';
import type { TradingSession } from '../trading-day.ts';

/** What was read, or why it could not be. */
export type Reading<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

export const PREMARKET_CHECKS = [
  'engine_health',
  'engine_ready',
  'broker_account',
  'market_clock',
  'positions_limits',
  'config',
  'lease',
] as const;

const clockTime = (ms: number) => new Date(ms).toISOString();

export function judgeEngineHealth(health: Reading<EngineHealthAnswer>): OpsCheck {
  if (!health.ok) return check('engine_health', 'fail', health.error);
  const { status, checks } = health.value;
  if (status === 'fatal')
    return check('engine_health', 'fail', `engine is fatal: ${checks.reason ?? 'no reason given'}`);
  if (status === 'starting') return check('engine_health', 'fail', 'engine is still starting');
  return check('engine_health', 'pass', `engine answers, status ${status}`);
}

/**
 * Ready to trade at the open: trading (not standing by), trade updates connected, reconciled with
 * the broker, holding its lease. A market-data stream that is only stale is a warning before the
 * open, when a quiet feed is normal.
 */
export function judgeEngineReady(health: Reading<EngineHealthAnswer>): OpsCheck {
  if (!health.ok) return check('engine_ready', 'fail', 'engine API did not answer');
  const { checks } = health.value;
  const problems: string[] = [];
  if (checks.phase !== 'trading')
    problems.push(`phase ${checks.phase ?? 'unknown'}${checks.reason ? ` (${checks.reason})` : ''}`);
  if (checks.tradeUpdates !== 'ready') problems.push(`trade updates ${checks.tradeUpdates ?? 'unknown'}`);
  if (checks.reconciled !== 'true') problems.push('not reconciled with the broker');
  if (checks.fencingToken === 'none') problems.push('no lease held');
  const feeds = Object.entries(checks).filter(([name]) => /^feed\d+$/.test(name));
  const down = feeds.filter(([, state]) => state !== 'ready' && state !== 'stale');
  for (const [name, state] of down) problems.push(`${name} ${state}`);
  if (problems.length > 0) return check('engine_ready', 'fail', problems.join('; '));
  const stale = feeds.filter(([, state]) => state === 'stale').map(([name]) => name);
  if (stale.length > 0) {
    return check(
      'engine_ready',
      'warn',
      `ready; ${stale.join(', ')} stale (quiet before the open is normal)`,
    );
  }
  return check('engine_ready', 'pass', 'trading, trade updates ready, reconciled, lease held');
}

export function judgeBrokerAccount(account: Reading<Account>): OpsCheck {
  if (!account.ok) return check('broker_account', 'fail', account.error);
  const { status, tradingBlocked, accountBlocked, buyingPower, equity } = account.value;
  const problems: string[] = [];
  if (status !== 'ACTIVE') problems.push(`account status ${status}`);
  if (tradingBlocked) problems.push('trading_blocked');
  if (accountBlocked) problems.push('account_blocked');
  if (buyingPower <= 0n) problems.push(`buying power ${formatFixed(buyingPower)}`);
  const figures = `equity ${formatFixed(equity)}, buying power ${formatFixed(buyingPower)}`;
  return problems.length > 0
    ? check('broker_account', 'fail', `${problems.join('; ')} (${figures})`)
    : check('broker_account', 'pass', `active, ${figures}`);
}

/** The broker's clock against its calendar: closed now, next open at today's session open. */
export function judgeMarketClock(clock: Reading<MarketClock>, session: TradingSession): OpsCheck {
  if (!clock.ok) return check('market_clock', 'fail', clock.error);
  const { isOpen, nextOpenMs } = clock.value;
  const closes = `session ${session.date} ${session.open}–${session.close}${session.halfDay ? ` (half day: closes ${session.close})` : ''}`;
  if (isOpen)
    return check('market_clock', 'warn', `the broker's clock says the market is already open; ${closes}`);
  if (nextOpenMs !== session.openMs) {
    return check(
      'market_clock',
      'warn',
      `the clock's next open ${clockTime(nextOpenMs)} is not the calendar's ${clockTime(session.openMs)}; ${closes}`,
    );
  }
  return check('market_clock', session.halfDay ? 'warn' : 'pass', closes);
}

function notional(position: VenuePosition): number {
  if (position.marketValue !== null) return Math.abs(fixedToNumber(position.marketValue));
  return Math.abs(fixedToNumber(position.qty) * fixedToNumber(position.avgEntryPrice));
}

/** The broker's positions against the risk limits the engine enforces on entries. */
export function judgePositionsAgainstLimits(
  positions: Reading<readonly VenuePosition[]>,
  limits: RiskLimits,
  watchedSymbols: readonly string[],
): OpsCheck {
  if (!positions.ok) return check('positions_limits', 'fail', positions.error);
  const open = positions.value.filter((position) => position.qty !== 0n);
  const maxNotional = fixedToNumber(limits.limits.max_position_notional_usd as Fixed);
  const maxGross = fixedToNumber(limits.limits.max_total_exposure_usd as Fixed);
  const problems: string[] = [];
  const warnings: string[] = [];
  let gross = 0;
  for (const position of open) {
    const value = notional(position);
    gross += value;
    if (value > maxNotional)
      problems.push(`${position.symbol} $${value.toFixed(2)} over the $${maxNotional} per-symbol limit`);
    if (position.qty < 0n && !limits.orders.short_selling_allowed) {
      problems.push(
        `${position.symbol} is short (${formatFixed(position.qty)}) but short selling is not allowed`,
      );
    }
    if (!watchedSymbols.includes(position.symbol)) {
      warnings.push(`${position.symbol} has no market data, so its engine-side stops cannot run`);
    }
  }
  if (gross > maxGross) problems.push(`gross exposure $${gross.toFixed(2)} over the $${maxGross} limit`);
  if (open.length > limits.limits.max_open_positions) {
    problems.push(`${open.length} open positions, over the limit of ${limits.limits.max_open_positions}`);
  }
  const summary = `${open.length} open position(s), gross $${gross.toFixed(2)}`;
  if (problems.length > 0) return check('positions_limits', 'fail', `${problems.join('; ')} (${summary})`);
  if (warnings.length > 0) return check('positions_limits', 'warn', `${warnings.join('; ')} (${summary})`);
  return check('positions_limits', 'pass', `${summary}, within limits`);
}

const LIVE_TRADING_HOST = 'api.alpaca.markets';
const PAPER_TRADING_HOST = 'paper-api.alpaca.markets';

/** The config this job runs with, against itself and the broker it reaches. */
export function judgeConfig(system: SystemConfig): OpsCheck {
  const problems: string[] = [];
  const host = new URL(system.broker.tradingUrl).hostname;
  if (system.account.paper && host === LIVE_TRADING_HOST)
    problems.push(`account.paper is true but broker.tradingUrl is the live API`);
  if (!system.account.paper && host === PAPER_TRADING_HOST)
    problems.push(`account.paper is false but broker.tradingUrl is the paper API`);
  if (system.environment === 'production' && system.broker.venue === 'simulator') {
    problems.push('environment production trades against the simulator');
  }
  if (problems.length > 0) return check('config', 'fail', problems.join('; '));
  if (system.strategies.length === 0) return check('config', 'warn', 'no strategies are configured');
  return check(
    'config',
    'pass',
    `${system.environment}, ${system.account.paper ? 'paper' : 'live'} account ${system.account.name}, ${system.strategies.length} strategies, ${system.marketData.symbols.length} symbols`,
  );
}

export function judgeLease(lease: Reading<ItemRead<LeaseRecord>>, nowMs: number): OpsCheck {
  if (!lease.ok) return check('lease', 'fail', lease.error);
  const read = lease.value;
  if (read.status === 'absent')
    return check('lease', 'fail', 'no engine has ever taken the lease: no engine is trading');
  if (read.status === 'invalid')
    return check('lease', 'fail', `the lease item is unreadable: ${read.problem.message}`);
  const record = read.value;
  const condition = leaseConditionAt(record, nowMs);
  if (condition === 'released') {
    return check(
      'lease',
      'fail',
      `released by ${record.holderId} ${formatDuration(nowMs - (record.releasedAtMs ?? record.renewedAtMs))} ago (${record.releaseReason ?? 'no reason'}): no engine is trading`,
    );
  }
  if (condition === 'lapsed') {
    return check(
      'lease',
      'fail',
      `lapsed ${formatDuration(nowMs - record.expiresAtMs)} ago, last renewed by ${record.holderId}: the engine died or hangs`,
    );
  }
  return check(
    'lease',
    'pass',
    `held by ${record.holderId} (fencing token ${record.fencingToken}) for ${formatDuration(nowMs - record.acquiredAtMs)}, renewed ${formatDuration(nowMs - record.renewedAtMs)} ago`,
  );
}
