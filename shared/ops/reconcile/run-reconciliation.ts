/**
 * Reconciliation (every 5 minutes while the market is open, and on demand): the engine's
 * positions and open orders — from its store and from its API — against the broker's. A
 * difference must show in two readings a few seconds apart before it is reported, so an order in
 * flight between the reads is not one. Each difference is reported once with its kind, and the
 * count is the alarm's metric. It reads only: the broker port it gets cannot place or cancel an
 * order, so it never "fixes" a difference by trading.
 */

import type { EngineApiClient } from '../../api/engine-api-client.ts';
import type { StatusAnswer } from '../../api/engine-api-schemas.ts';
import { type Fixed, parseFixed } from '../../domain/fixed.ts';
import type { Store } from '../../store/store.ts';
import type { Clock } from '../../time/clock.ts';
import { newYorkDate } from '../../time/new-york-time.ts';
import type { TradingVenue } from '../../venue/trading-venue.ts';
import { described, describeFailure } from '../describe-failure.ts';
import { OPS_METRICS, type OpsMetrics } from '../ops-metrics.ts';
import type { OpsJobResult } from '../run-ops-job.ts';
import {
  type ComparedOrder,
  type Difference,
  differenceKey,
  type EngineSource,
  type PositionsAndOrders,
  reconciliationDifferences,
} from './reconciliation-differences.ts';

export type ReconciliationBroker = Pick<TradingVenue, 'listPositions' | 'listOrders' | 'getClock'>;

export interface ReconciliationDependencies {
  readonly broker: ReconciliationBroker;
  readonly store: Pick<Store, 'listPositions' | 'listWorkingOrders'>;
  readonly engine: Pick<EngineApiClient, 'status'>;
  readonly clock: Clock;
  readonly metrics: OpsMetrics;
  /** Waits between the two readings; the local scheduler and Lambda use timers, tests may not wait. */
  readonly sleep: (ms: number) => Promise<void>;
}

export interface ReconciliationOptions {
  /** On a schedule, a closed market is skipped; on demand it runs whatever the clock says. */
  readonly onlyWhenOpen: boolean;
  /** Between the first reading and the confirming one (default 3 s). */
  readonly confirmAfterMs?: number;
}

interface Reading {
  readonly engine: Partial<Record<EngineSource, PositionsAndOrders>>;
  readonly broker: PositionsAndOrders;
  /** Sources that could not be read, with why. */
  readonly unreadable: readonly string[];
}

/** The broker's positions and open orders as the comparison takes them. */
export function brokerView(
  positions: readonly { readonly symbol: string; readonly qty: Fixed }[],
  openOrders: readonly ComparedOrder[],
): PositionsAndOrders {
  return { positions: new Map(positions.map((position) => [position.symbol, position.qty])), openOrders };
}

/** The engine API's `/status` answer as the comparison takes it. */
export function engineApiView(status: Pick<StatusAnswer, 'positions' | 'openOrders'>): PositionsAndOrders {
  return {
    positions: new Map(status.positions.map((position) => [position.symbol, parseFixed(position.qty)])),
    openOrders: status.openOrders.map((order) => ({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      qty: parseFixed(order.qty),
      filledQty: parseFixed(order.filledQty),
    })),
  };
}

async function readAll(deps: ReconciliationDependencies): Promise<Reading> {
  const [brokerPositions, brokerOrders, stored, working, status] = await Promise.allSettled([
    deps.broker.listPositions(),
    deps.broker.listOrders({ status: 'open', limit: 500 }),
    deps.store.listPositions(),
    deps.store.listWorkingOrders(),
    deps.engine.status(),
  ]);
  if (brokerPositions.status === 'rejected')
    throw new Error(describeFailure("reading the broker's positions", brokerPositions.reason));
  if (brokerOrders.status === 'rejected')
    throw new Error(describeFailure("reading the broker's open orders", brokerOrders.reason));
  const broker = brokerView(brokerPositions.value, brokerOrders.value);
  const engine: Partial<Record<EngineSource, PositionsAndOrders>> = {};
  const unreadable: string[] = [];
  if (stored.status === 'fulfilled' && working.status === 'fulfilled') {
    const problems = [...stored.value.problems, ...working.value.problems];
    if (problems.length > 0)
      unreadable.push(`store: ${problems.length} unreadable item(s): ${problems[0]!.message}`);
    else {
      engine.store = {
        positions: new Map<string, Fixed>(
          stored.value.items.map((position) => [position.symbol, position.qty]),
        ),
        openOrders: working.value.items,
      };
    }
  } else {
    const reason = stored.status === 'rejected' ? stored.reason : (working as PromiseRejectedResult).reason;
    unreadable.push(describeFailure('store', reason));
  }
  if (status.status === 'fulfilled') engine.api = engineApiView(status.value);
  else unreadable.push(describeFailure('engine API', status.reason));
  return { engine, broker, unreadable };
}

function rows(differences: readonly Difference[]): string[][] {
  return differences.map((difference) => [
    difference.kind,
    difference.symbol,
    difference.clientOrderId ?? '',
    difference.engine,
    difference.broker,
    difference.sources.join('+'),
  ]);
}

export async function runReconciliation(
  deps: ReconciliationDependencies,
  options: ReconciliationOptions,
): Promise<OpsJobResult> {
  const today = newYorkDate(deps.clock.nowMs());
  if (options.onlyWhenOpen) {
    const clock = await described("reading the broker's clock", () => deps.broker.getClock());
    if (!clock.isOpen) {
      deps.metrics.record(OPS_METRICS.reconciliationDifferences, 0);
      return {
        newYorkDate: today,
        outcome: 'skipped',
        summary:
          'the market is closed; scheduled reconciliation runs while it is open (run it on demand any time)',
        table: { columns: [], rows: [] },
        detail: { marketOpen: false },
      };
    }
  }
  const first = await readAll(deps);
  let differences = reconciliationDifferences(first.engine, first.broker);
  let last = first;
  if (differences.length > 0) {
    await deps.sleep(options.confirmAfterMs ?? 3_000);
    last = await readAll(deps);
    const seenFirst = new Set(differences.map(differenceKey));
    differences = reconciliationDifferences(last.engine, last.broker).filter((difference) =>
      seenFirst.has(differenceKey(difference)),
    );
  }
  deps.metrics.record(OPS_METRICS.reconciliationDifferences, differences.length);
  const compared = Object.keys(last.engine).join(' and ') || 'nothing';
  const unreadable = last.unreadable.length > 0 ? `; could not read ${last.unreadable.join('; ')}` : '';
  const counts = `${last.broker.positions.size} broker position(s), ${last.broker.openOrders.length} open order(s)`;
  return {
    newYorkDate: today,
    outcome: differences.length > 0 ? 'problems' : last.unreadable.length > 0 ? 'failed' : 'ok',
    summary:
      differences.length > 0
        ? `${differences.length} difference(s) with the broker (engine ${compared} compared; ${counts})${unreadable}`
        : `engine ${compared} agree with the broker (${counts})${unreadable}`,
    table: {
      columns: ['kind', 'symbol', 'client_order_id', 'engine', 'broker', 'seen in'],
      rows: rows(differences),
    },
    detail: { differences, compared: Object.keys(last.engine), unreadable: last.unreadable },
  };
}
