/**
 * Positions and open orders as the engine holds them against the broker's, as a list of
 * differences with their kind. Pure. The engine's view comes from two sources (its store and its
 * API); a difference both show is one difference naming both sources.
 */
import { type Fixed, formatFixed, ZERO } from '../../domain/fixed.ts';

export const DIFFERENCE_KINDS = [
  /** The broker holds a position the engine does not know. */
  'missing_position',
  /** The engine holds a position the broker does not have. */
  'extra_position',
  /** Both hold the symbol, in different quantities. */
  'quantity_mismatch',
  /** An order is open at the broker that the engine does not have working. */
  'missing_order',
  /** The engine has an order working that is not open at the broker. */
  'extra_order',
  /** Both have the order open, with different quantities or fills. */
  'order_mismatch',
] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

export const ENGINE_SOURCES = ['store', 'api'] as const;
export type EngineSource = (typeof ENGINE_SOURCES)[number];

export interface ComparedOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly qty: Fixed;
  readonly filledQty: Fixed;
}

export interface PositionsAndOrders {
  /** Signed quantity per symbol; flat symbols may be absent or 0. */
  readonly positions: ReadonlyMap<string, Fixed>;
  readonly openOrders: readonly ComparedOrder[];
}

export interface Difference {
  readonly kind: DifferenceKind;
  readonly symbol: string;
  readonly clientOrderId: string | null;
  readonly engine: string;
  readonly broker: string;
  readonly sources: readonly EngineSource[];
}

export function differenceKey(difference: Pick<Difference, 'kind' | 'symbol' | 'clientOrderId'>): string {
  return `${difference.kind}|${difference.symbol}|${difference.clientOrderId ?? ''}`;
}

const orderText = (order: ComparedOrder) =>
  `${formatFixed(order.filledQty)}/${formatFixed(order.qty)} filled`;

function compareOne(engine: PositionsAndOrders, broker: PositionsAndOrders): Omit<Difference, 'sources'>[] {
  const differences: Omit<Difference, 'sources'>[] = [];
  const symbols = new Set([...engine.positions.keys(), ...broker.positions.keys()]);
  for (const symbol of [...symbols].sort()) {
    const ours = engine.positions.get(symbol) ?? ZERO;
    const theirs = broker.positions.get(symbol) ?? ZERO;
    if (ours === theirs) continue;
    const kind: DifferenceKind =
      ours === 0n ? 'missing_position' : theirs === 0n ? 'extra_position' : 'quantity_mismatch';
    differences.push({
      kind,
      symbol,
      clientOrderId: null,
      engine: formatFixed(ours),
      broker: formatFixed(theirs),
    });
  }
  const brokerOrders = new Map(broker.openOrders.map((order) => [order.clientOrderId, order]));
  const engineOrders = new Map(engine.openOrders.map((order) => [order.clientOrderId, order]));
  for (const [id, order] of [...brokerOrders].sort(([a], [b]) => a.localeCompare(b))) {
    const ours = engineOrders.get(id);
    if (ours === undefined) {
      differences.push({
        kind: 'missing_order',
        symbol: order.symbol,
        clientOrderId: id,
        engine: 'none',
        broker: orderText(order),
      });
    } else if (ours.qty !== order.qty || ours.filledQty !== order.filledQty) {
      differences.push({
        kind: 'order_mismatch',
        symbol: order.symbol,
        clientOrderId: id,
        engine: orderText(ours),
        broker: orderText(order),
      });
    }
  }
  for (const [id, order] of [...engineOrders].sort(([a], [b]) => a.localeCompare(b))) {
    if (!brokerOrders.has(id)) {
      differences.push({
        kind: 'extra_order',
        symbol: order.symbol,
        clientOrderId: id,
        engine: orderText(order),
        broker: 'not open',
      });
    }
  }
  return differences;
}

/** Every difference of each engine source with the broker, each reported once with the sources that show it. */
export function reconciliationDifferences(
  engine: Partial<Record<EngineSource, PositionsAndOrders>>,
  broker: PositionsAndOrders,
): Difference[] {
  const merged = new Map<string, Difference>();
  for (const source of ENGINE_SOURCES) {
    const view = engine[source];
    if (view === undefined) continue;
    for (const difference of compareOne(view, broker)) {
      const key = differenceKey(difference);
      const seen = merged.get(key);
      merged.set(
        key,
        seen === undefined
          ? { ...difference, sources: [source] }
          : { ...seen, sources: [...seen.sources, source] },
      );
    }
  }
  return [...merged.values()];
}
