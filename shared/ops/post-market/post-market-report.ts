/**
 * The post-market report job: decides from the broker's calendar whether today is due, reads the
 * day from the store and the broker, works out the figures (post-market-figures.ts), writes the
 * Markdown and HTML report through the ArtifactStore (a folder locally, S3 in AWS) and answers the
 * OpsJobResult runOpsJob stores. A broker, store or artifact failure is a `failed` result naming
 * what could not be read or written; nothing is thrown.
 */
import type { FeeRates } from '../../config/fees-schema.ts';
import { formatFixed } from '../../domain/fixed.ts';
import { FeeSchedule } from '../../domain/regulatory-fees.ts';
import type { ItemProblem } from '../../store/item-codec.ts';
import type { ReadBatch, Store } from '../../store/store.ts';
import type { Clock } from '../../time/clock.ts';
import { addDays, newYorkDate, newYorkToUtcMs } from '../../time/new-york-time.ts';
import type { TradingVenue } from '../../venue/trading-venue.ts';
import type { ArtifactStore } from '../artifact-store.ts';
import { describeFailure } from '../describe-failure.ts';
import type { OpsTable } from '../ops-report.ts';
import { describeError, type OpsJobLog, type OpsJobResult } from '../run-ops-job.ts';
import { type PostMarketFigures, postMarketFigures } from './post-market-figures.ts';
import { renderHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { money, postMarketDocument } from './report-document.ts';
import { reportTiming } from './report-timing.ts';

export interface PostMarketReportDeps {
  readonly store: Pick<
    Store,
    | 'listFills'
    | 'listOrders'
    | 'listPositions'
    | 'listRiskEvents'
    | 'listBreakerTransitions'
    | 'listOpsReports'
  >;
  readonly broker: Pick<TradingVenue, 'getCalendar' | 'listPositions' | 'getAccount'>;
  readonly clock: Clock;
  readonly artifacts: ArtifactStore;
  readonly feeRates: FeeRates;
  readonly log: OpsJobLog;
}

export interface PostMarketReportOptions {
  /** Report even when today's report is already stored (an on-demand rerun); the session must still be over. */
  readonly force?: boolean;
}

/** Lists in the stored detail stop here, so the ops report stays one small DynamoDB item. */
export const DETAIL_LIST_LIMIT = 50;

const EMPTY_TABLE: OpsTable = { columns: [], rows: [] };

class StepFailure extends Error {
  override readonly name = 'StepFailure';
  readonly source: 'broker' | 'store' | 'artifacts';

  constructor(source: StepFailure['source'], what: string, cause: unknown) {
    super(describeFailure(what, cause), { cause });
    this.source = source;
  }
}

async function step<T>(source: StepFailure['source'], what: string, act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    throw new StepFailure(source, what, error);
  }
}

export function reportKey(newYorkDate: string, extension: 'md' | 'html'): string {
  return `reports/${newYorkDate}/post-market-${newYorkDate}.${extension}`;
}

export async function runPostMarketReport(
  deps: PostMarketReportDeps,
  options: PostMarketReportOptions = {},
): Promise<OpsJobResult> {
  const nowMs = deps.clock.nowMs();
  const date = newYorkDate(nowMs);
  const skipped = (reason: string): OpsJobResult => ({
    newYorkDate: date,
    outcome: 'skipped',
    summary: reason,
    table: EMPTY_TABLE,
    detail: { reason },
  });
  try {
    const calendar = await step('broker', "could not read the broker's calendar", () =>
      deps.broker.getCalendar(date, date),
    );
    const timing = reportTiming(date, nowMs, calendar, options.force === true);
    if (!timing.run) return skipped(timing.reason);
    if (options.force !== true) {
      const earlier = await step('store', 'could not read earlier reports', () =>
        deps.store.listOpsReports('report', date),
      );
      const done = earlier.items.find((report) => report.outcome === 'ok' || report.outcome === 'problems');
      if (done !== undefined) {
        return skipped(
          `the post-market report for ${date} is already done (run ${done.runId}, ${done.outcome}); force a rerun on demand`,
        );
      }
    }
    const figures = await gather(deps, date, timing.session);
    const document = postMarketDocument(figures, nowMs);
    const markdown = await step('artifacts', 'could not write the Markdown report', () =>
      deps.artifacts.put(reportKey(date, 'md'), renderMarkdown(document), 'text/markdown; charset=utf-8'),
    );
    const html = await step('artifacts', 'could not write the HTML report', () =>
      deps.artifacts.put(reportKey(date, 'html'), renderHtml(document), 'text/html; charset=utf-8'),
    );
    deps.log.info('post-market report written', { markdown, html });
    return result(figures, { markdown, html });
  } catch (error) {
    const source = error instanceof StepFailure ? error.source : 'report';
    const message = describeError(error);
    return {
      newYorkDate: date,
      outcome: 'failed',
      summary: `post-market report for ${date} failed: ${message}`,
      table: EMPTY_TABLE,
      detail: { failure: { source, message } },
    };
  }
}

async function gather(
  deps: PostMarketReportDeps,
  date: string,
  session: PostMarketFigures['session'],
): Promise<PostMarketFigures> {
  const dayStartMs = newYorkToUtcMs(date, 0);
  const dayEndMs = newYorkToUtcMs(addDays(date, 1), 0);
  const { store, broker } = deps;
  const [fills, orders, snapshots, riskEvents, transitions, brokerPositions, account] = await Promise.all([
    step('store', `could not read the fills of ${date}`, () => store.listFills(date)),
    step('store', 'could not read the orders', () => store.listOrders()),
    step('store', 'could not read the position snapshots', () => store.listPositions()),
    step('store', `could not read the risk events of ${date}`, () => store.listRiskEvents(date)),
    step('store', 'could not read the breaker transitions', () => store.listBreakerTransitions(dayStartMs)),
    step('broker', "could not read the broker's positions", () => broker.listPositions()),
    step('broker', "could not read the broker's account", () => broker.getAccount()),
  ]);
  const problems: ItemProblem[] = [fills, orders, snapshots, riskEvents, transitions].flatMap(
    (batch: ReadBatch<unknown>) => batch.problems,
  );
  return postMarketFigures({
    newYorkDate: date,
    session,
    dayStartMs,
    dayEndMs,
    fills: fills.items,
    orders: orders.items,
    snapshots: snapshots.items,
    riskEvents: riskEvents.items,
    breakerTransitions: transitions.items,
    brokerPositions,
    account,
    fees: new FeeSchedule(deps.feeRates),
    unreadableItems: problems.map((problem) => problem.message),
  });
}

function terminalTable(figures: PostMarketFigures): OpsTable {
  const symbols = [
    ...new Set([...figures.activity.map((a) => a.symbol), ...figures.positions.map((p) => p.symbol)]),
  ].sort();
  const rows = symbols.map((symbol) => {
    const activity = figures.activity.find((a) => a.symbol === symbol);
    const realized = figures.realizedBySymbol.find((r) => r.symbol === symbol);
    const position = figures.positions.find((p) => p.symbol === symbol);
    return [
      symbol,
      String(activity?.fills ?? 0),
      activity === undefined ? '0' : formatFixed(activity.boughtQty),
      activity === undefined ? '0' : formatFixed(activity.soldQty),
      realized === undefined
        ? '0.00'
        : realized.realizedPnl === null
          ? 'unknown'
          : money(realized.realizedPnl),
      position === undefined ? '0' : formatFixed(position.qty),
      position?.unrealizedPnl == null ? '—' : money(position.unrealizedPnl),
    ];
  });
  const { pnl } = figures;
  rows.push(['total', String(figures.fillCount), '', '', money(pnl.realized), '', money(pnl.unrealized)]);
  return { columns: ['symbol', 'fills', 'bought', 'sold', 'realized', 'position', 'unrealized'], rows };
}

function capped<T>(list: readonly T[]): { readonly items: readonly T[]; readonly omitted: number } {
  return { items: list.slice(0, DETAIL_LIST_LIMIT), omitted: Math.max(0, list.length - DETAIL_LIST_LIMIT) };
}

function result(figures: PostMarketFigures, artifacts: { markdown: string; html: string }): OpsJobResult {
  const { pnl, slippage } = figures;
  const counts = {
    trades: figures.trades.length,
    fills: figures.fillCount,
    ordersOfDay: figures.ordersOfDay.total,
    riskEvents: figures.riskEvents.list.length,
    breakerTransitions: figures.breakerTransitions.length,
  };
  const summary =
    `${figures.newYorkDate}: realized ${money(pnl.realized)}${pnl.realizedUnknown.length > 0 ? ' (incomplete)' : ''}, ` +
    `unrealized ${money(pnl.unrealized)}, day change ${money(pnl.equityChange)} USD; ` +
    `${counts.trades} trade(s), ${counts.fills} fill(s); ${counts.riskEvents} risk event(s), ` +
    `${counts.breakerTransitions} breaker transition(s)` +
    (figures.attention.length > 0 ? ` — attention: ${figures.attention.join('; ')}` : '');
  const trades = capped(figures.trades);
  const events = capped(figures.riskEvents.list);
  const transitions = capped(figures.breakerTransitions);
  const unreadable = capped(figures.unreadableItems);
  return {
    newYorkDate: figures.newYorkDate,
    outcome: figures.attention.length > 0 ? 'problems' : 'ok',
    summary,
    table: terminalTable(figures),
    detail: {
      session: figures.session,
      pnl: {
        realized: formatFixed(pnl.realized),
        realizedUnknown: pnl.realizedUnknown,
        unrealized: formatFixed(pnl.unrealized),
        unrealizedMissing: pnl.unrealizedMissing,
        equity: formatFixed(pnl.equity),
        lastEquity: formatFixed(pnl.lastEquity),
        equityChange: formatFixed(pnl.equityChange),
        estimatedFees: formatFixed(pnl.estimatedFees),
      },
      counts,
      ordersByStatus: figures.ordersOfDay.byStatus,
      slippage: {
        count: slippage.count,
        unmeasured: slippage.unmeasured,
        meanBps: slippage.meanBps,
        medianBps: slippage.medianBps,
        p95Bps: slippage.p95Bps,
        worstBps: slippage.worst?.bps ?? null,
        worstOrder: slippage.worst?.clientOrderId ?? null,
      },
      realizedBySymbol: figures.realizedBySymbol.map((symbol) => ({
        symbol: symbol.symbol,
        realized: symbol.realizedPnl === null ? null : formatFixed(symbol.realizedPnl),
        openingQty: formatFixed(symbol.openingQty),
        openingCostSource: symbol.openingCostSource,
      })),
      positions: capped(figures.positions).items.map((position) => ({
        symbol: position.symbol,
        qty: formatFixed(position.qty),
        avgEntryPrice: formatFixed(position.avgEntryPrice),
        unrealizedPnl: position.unrealizedPnl === null ? null : formatFixed(position.unrealizedPnl),
      })),
      trades: trades.items.map((trade) => ({
        clientOrderId: trade.clientOrderId,
        symbol: trade.symbol,
        side: trade.side,
        filledToday: formatFixed(trade.filledToday),
        avgFillPrice: formatFixed(trade.avgFillPrice),
        slippageBps: trade.slippageBps,
      })),
      riskEventCounts: figures.riskEvents.counts,
      riskEvents: events.items.map((event) => ({
        atMs: event.atMs,
        kind: event.kind,
        reasonCode: event.reasonCode,
        symbol: event.symbol,
      })),
      breakerTransitions: transitions.items,
      attention: figures.attention,
      unreadableItems: unreadable.items,
      omitted: {
        trades: trades.omitted,
        riskEvents: events.omitted,
        breakerTransitions: transitions.omitted,
        unreadableItems: unreadable.omitted,
      },
      artifacts,
    },
  };
}
