/**
 * The simulated broker without a transport: matching engine, account ledger and view, session
 * calendar and asset catalog, built once from the same options whether HTTP serves them (the
 * trading service) or the execution core calls them in process (sim/in-process-venue.ts).
 */
import type { SlippageModel } from '../../shared/broker/alpaca/slippage-model.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import type { FeeSchedule } from '../../shared/domain/regulatory-fees.ts';
import type { ClosedDates } from '../closed-dates.ts';
import type { SimContext } from '../context.ts';
import type { QuoteSource } from '../market/quote-source.ts';
import { AccountLedger } from './account-ledger.ts';
import { AccountView } from './account-view.ts';
import { AssetCatalog } from './asset-catalog.ts';
import { SeededIds } from './ids.ts';
import { MatchingEngine } from './matching-engine.ts';
import { SessionCalendar } from './session-calendar.ts';
import type { TaskScheduler } from './task-scheduler.ts';

export interface VenueCoreOptions {
  readonly context: SimContext;
  readonly quotes: QuoteSource;
  readonly scheduler: TaskScheduler;
  readonly latencyMs: number;
  readonly slippage: SlippageModel;
  readonly startingCash: Fixed;
  readonly closedDates: ClosedDates;
  /** Closed orders kept known (MatchingEngineDeps.closedOrderLimit); undefined: all. */
  readonly closedOrderLimit?: number;
  /** MatchingEngineDeps.fees and .matching. */
  readonly fees?: FeeSchedule;
  readonly matching?: 'quotes' | 'bars';
}

export interface VenueCore {
  readonly engine: MatchingEngine;
  readonly account: AccountView;
  readonly ledger: AccountLedger;
  readonly session: SessionCalendar;
  readonly assets: AssetCatalog;
}

export function createVenueCore(options: VenueCoreOptions): VenueCore {
  const { context } = options;
  const ids = new SeededIds(context.seed);
  const assets = new AssetCatalog(context.symbols);
  const ledger = new AccountLedger(options.startingCash);
  const session = new SessionCalendar(context.sessionHours, options.closedDates);
  const engine = new MatchingEngine({
    clock: context.clock,
    scheduler: options.scheduler,
    session,
    quotes: options.quotes,
    assets,
    ledger,
    ids,
    latencyMs: options.latencyMs,
    slippage: options.slippage,
    ...(options.closedOrderLimit === undefined ? {} : { closedOrderLimit: options.closedOrderLimit }),
    ...(options.fees === undefined ? {} : { fees: options.fees }),
    ...(options.matching === undefined ? {} : { matching: options.matching }),
  });
  const account = new AccountView(context.clock, ledger, engine, assets, {
    id: ids.uuid(),
    accountNumber: `PA${String(context.seed >>> 0).padStart(10, '0')}`,
    createdUs: context.clock.nowUs(),
  });
  return { engine, account, ledger, session, assets };
}
