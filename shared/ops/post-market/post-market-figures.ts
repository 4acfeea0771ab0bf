/**
 * Everything the post-market report says, worked out from what the job read (the store's items
 * of the day, the broker's positions and account): pure, so each figure is tested on numbers
 * computed by hand. Rendering (report-document.ts) and I/O (post-market-report.ts) are elsewhere.
 */
import type { Account } from '../../domain/account.ts';
import type { Fill } from '../../domain/fill.ts';
import { divRoundHalfEven, type Fixed, ZERO } from '../../domain/fixed.ts';
import type { FeeSchedule } from '../../domain/regulatory-fees.ts';
import { slippageBps } from '../../domain/slippage-bps.ts';
import type { BreakerTransitionRecord } from '../../store/items/breaker-items.ts';
import type { StoredOrder } from '../../store/items/order-item.ts';
import type { PositionSnapshot } from '../../store/items/position-item.ts';
import type { RiskEventRecord } from '../../store/items/risk-event-item.ts';
import type { CalendarDay, VenuePosition } from '../../venue/venue-types.ts';
import { byExecutionTime, dayRealizedPnl, type SymbolRealized } from './day-realized-pnl.ts';
import { type SymbolActivity, symbolActivity } from './fill-activity.ts';
import { type SlippageSample, type SlippageStats, slippageSamples, slippageStats } from './slippage-stats.ts';

export interface PostMarketInputs {
  readonly newYorkDate: string;
  readonly session: CalendarDay;
  /** New York midnight starting and ending the day (epoch ms). */
  readonly dayStartMs: number;
  readonly dayEndMs: number;
  readonly fills: readonly Fill[];
  /** Every stored order; those created or updated on the day are kept. */
  readonly orders: readonly StoredOrder[];
  readonly snapshots: readonly PositionSnapshot[];
  readonly riskEvents: readonly RiskEventRecord[];
  readonly breakerTransitions: readonly BreakerTransitionRecord[];
  readonly brokerPositions: readonly VenuePosition[];
  readonly account: Pick<Account, 'equity' | 'lastEquity'>;
  readonly fees: FeeSchedule;
  /** Items the store could not read (ItemProblem messages). */
  readonly unreadableItems: readonly string[];
}

export interface TradeLine {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: StoredOrder['side'];
  readonly type: StoredOrder['type'];
  readonly status: StoredOrder['status'];
  readonly origin: StoredOrder['origin'];
  readonly strategyId: string | null;
  readonly qty: Fixed;
  readonly fills: number;
  readonly filledToday: Fixed;
  /** Today's fills' volume-weighted price, rounded half-even to 1e-9. */
  readonly avgFillPrice: Fixed;
  readonly referencePrice: Fixed | null;
  /** The order's average fill today against its reference price; null without one. */
  readonly slippageBps: number | null;
}

export interface PositionLine {
  readonly symbol: string;
  readonly qty: Fixed;
  readonly avgEntryPrice: Fixed;
  readonly marketValue: Fixed | null;
  readonly unrealizedPnl: Fixed | null;
  /** The engine's stored quantity, null when it stores none for the symbol. */
  readonly engineQty: Fixed | null;
}

export interface RiskEventCount {
  readonly kind: string;
  readonly reasonCode: string;
  readonly count: number;
}

export interface PostMarketFigures {
  readonly newYorkDate: string;
  readonly session: CalendarDay;
  readonly pnl: {
    /** Sum over the symbols whose realized P&L is known. */
    readonly realized: Fixed;
    /** Symbols whose opening cost could not be worked out, so their realized P&L is left out. */
    readonly realizedUnknown: readonly string[];
    readonly unrealized: Fixed;
    /** Positions whose unrealized P&L the broker did not say. */
    readonly unrealizedMissing: readonly string[];
    readonly equity: Fixed;
    readonly lastEquity: Fixed;
    readonly equityChange: Fixed;
    readonly estimatedFees: Fixed;
  };
  readonly realizedBySymbol: readonly SymbolRealized[];
  readonly activity: readonly SymbolActivity[];
  readonly fillCount: number;
  readonly trades: readonly TradeLine[];
  readonly ordersOfDay: { readonly total: number; readonly byStatus: Readonly<Record<string, number>> };
  readonly slippage: SlippageStats;
  readonly slippageSamples: readonly SlippageSample[];
  readonly positions: readonly PositionLine[];
  readonly riskEvents: {
    readonly counts: readonly RiskEventCount[];
    readonly list: readonly RiskEventRecord[];
  };
  readonly breakerTransitions: readonly BreakerTransitionRecord[];
  /** What makes the day's outcome `problems`: breaker trips, kill switches, unreadable items. */
  readonly attention: readonly string[];
  readonly unreadableItems: readonly string[];
}

const sum = (values: readonly Fixed[]): Fixed => values.reduce((total, value) => total + value, 0n) as Fixed;

function tradeLines(orders: ReadonlyMap<string, StoredOrder>, fills: readonly Fill[]): TradeLine[] {
  const byOrder = new Map<string, Fill[]>();
  for (const fill of fills)
    byOrder.set(fill.clientOrderId, [...(byOrder.get(fill.clientOrderId) ?? []), fill]);
  return [...byOrder.entries()].map(([clientOrderId, own]) => {
    const first = own[0]!;
    const order = orders.get(clientOrderId);
    const filledToday = sum(own.map((fill) => fill.qty));
    const notional = own.reduce((total, fill) => total + fill.price * fill.qty, 0n);
    const avgFillPrice = divRoundHalfEven(notional, filledToday) as Fixed;
    const referencePrice = order?.referencePrice ?? null;
    return {
      clientOrderId,
      symbol: first.symbol,
      side: first.side,
      type: order?.type ?? 'market',
      status: order?.status ?? 'filled',
      origin: order?.origin ?? 'external',
      strategyId: order?.strategyId ?? null,
      qty: order?.qty ?? filledToday,
      fills: own.length,
      filledToday,
      avgFillPrice,
      referencePrice,
      slippageBps: referencePrice === null ? null : slippageBps(first.side, referencePrice, avgFillPrice),
    };
  });
}

function riskEventCounts(events: readonly RiskEventRecord[]): RiskEventCount[] {
  const counts = new Map<string, RiskEventCount>();
  for (const event of events) {
    const key = `${event.kind}\u0000${event.reasonCode}`;
    const seen = counts.get(key);
    counts.set(key, { kind: event.kind, reasonCode: event.reasonCode, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
}

function attentionOf(inputs: PostMarketInputs, transitions: readonly BreakerTransitionRecord[]): string[] {
  const attention: string[] = [];
  for (const transition of transitions) {
    if (transition.to !== 'normal') {
      attention.push(`breaker tripped ${transition.from} → ${transition.to} (${transition.reason})`);
    }
  }
  const killSwitches = inputs.riskEvents.filter((event) => event.kind === 'kill_switch').length;
  if (killSwitches > 0) attention.push(`kill switch used ${killSwitches} time(s)`);
  if (inputs.unreadableItems.length > 0) {
    attention.push(`${inputs.unreadableItems.length} stored item(s) could not be read`);
  }
  return attention;
}

export function postMarketFigures(inputs: PostMarketInputs): PostMarketFigures {
  const inDay = (ms: number) => ms >= inputs.dayStartMs && ms < inputs.dayEndMs;
  const fills = inputs.fills.filter((fill) => inDay(fill.timestampMs)).sort(byExecutionTime);
  const ordersById = new Map(inputs.orders.map((order) => [order.clientOrderId, order]));
  const ordersOfDay = inputs.orders.filter((order) => inDay(order.createdAtMs) || inDay(order.updatedAtMs));
  const byStatus: Record<string, number> = {};
  for (const order of ordersOfDay) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;

  const broker = new Map(inputs.brokerPositions.map((position) => [position.symbol, position]));
  const snapshots = new Map(inputs.snapshots.map((snapshot) => [snapshot.symbol, snapshot]));
  const tradedSymbols = [...new Set(fills.map((fill) => fill.symbol))].sort();
  const realizedBySymbol = tradedSymbols.map((symbol) => {
    const held = broker.get(symbol);
    return dayRealizedPnl({
      symbol,
      fills: fills.filter((fill) => fill.symbol === symbol),
      closing: held ?? { qty: ZERO, avgEntryPrice: ZERO },
      snapshot: snapshots.get(symbol) ?? null,
    });
  });
  const assetClassOf = (symbol: string) =>
    broker.get(symbol)?.assetClass ??
    inputs.orders.find((order) => order.symbol === symbol)?.assetClass ??
    (symbol.includes('/') ? 'crypto' : 'us_equity');
  const activity = symbolActivity(fills, inputs.fees, (symbol) => assetClassOf(symbol) === 'crypto');

  const { samples, unmeasured } = slippageSamples(
    fills,
    (clientOrderId) => ordersById.get(clientOrderId)?.referencePrice ?? null,
  );
  const positions = [...inputs.brokerPositions]
    .sort((a, b) => (a.symbol < b.symbol ? -1 : 1))
    .map(
      (position): PositionLine => ({
        symbol: position.symbol,
        qty: position.qty,
        avgEntryPrice: position.avgEntryPrice,
        marketValue: position.marketValue,
        unrealizedPnl: position.unrealizedPnl,
        engineQty: snapshots.get(position.symbol)?.qty ?? null,
      }),
    );
  const transitions = inputs.breakerTransitions.filter((transition) => inDay(transition.atMs));
  const riskEvents = inputs.riskEvents.filter((event) => inDay(event.atMs));
  return {
    newYorkDate: inputs.newYorkDate,
    session: inputs.session,
    pnl: {
      realized: sum(realizedBySymbol.flatMap((symbol) => symbol.realizedPnl ?? [])),
      realizedUnknown: realizedBySymbol.filter((symbol) => symbol.realizedPnl === null).map((s) => s.symbol),
      unrealized: sum(positions.flatMap((position) => position.unrealizedPnl ?? [])),
      unrealizedMissing: positions.filter((p) => p.unrealizedPnl === null).map((p) => p.symbol),
      equity: inputs.account.equity,
      lastEquity: inputs.account.lastEquity,
      equityChange: (inputs.account.equity - inputs.account.lastEquity) as Fixed,
      estimatedFees: sum(activity.map((symbol) => symbol.estimatedFees)),
    },
    realizedBySymbol,
    activity,
    fillCount: fills.length,
    trades: tradeLines(ordersById, fills),
    ordersOfDay: { total: ordersOfDay.length, byStatus },
    slippage: slippageStats(samples, unmeasured),
    slippageSamples: samples,
    positions,
    riskEvents: { counts: riskEventCounts(riskEvents), list: riskEvents },
    breakerTransitions: transitions,
    attention: attentionOf({ ...inputs, riskEvents }, transitions),
    unreadableItems: inputs.unreadableItems,
  };
}
