/**
 * A symbol's realized P&L over one day from that day's fills, by the average-cost method the engine
 * and Alpaca use (shared/domain/position-ledger.ts). The fills alone do not say what was held at
 * the open, so the opening position is worked out from what is known after the close:
 *
 * - quantity: the closing quantity (the broker's) less the day's net fills;
 * - average entry: the engine's position snapshot when it was taken before the day's first fill
 *   and holds that quantity (the state at the open, exactly); otherwise reconstructed by undoing
 *   the day's fills from the closing average backwards (a reducing fill leaves the average, an
 *   adding one moved it by a known amount). That fails only when the position passed through flat
 *   or flipped side during the day while it was open at the start: the average before that point
 *   is then not in the data, and the symbol's realized P&L is reported as unknown, not guessed.
 */
import type { Fill } from '../../domain/fill.ts';
import { divRoundHalfEven, type Fixed } from '../../domain/fixed.ts';
import { PositionLedger } from '../../domain/position-ledger.ts';

export interface HeldPosition {
  readonly qty: Fixed;
  readonly avgEntryPrice: Fixed;
}

export interface TimedPosition extends HeldPosition {
  readonly asOfMs: number;
}

export type OpeningCostSource = 'flat' | 'snapshot' | 'reconstructed' | 'unknown';

export interface SymbolRealized {
  readonly symbol: string;
  readonly openingQty: Fixed;
  /** Null when the opening cost could not be worked out (source `unknown`) or the symbol opened flat. */
  readonly openingAvgEntryPrice: Fixed | null;
  readonly openingCostSource: OpeningCostSource;
  /** Null when the opening cost is unknown and some fill closed against it. */
  readonly realizedPnl: Fixed | null;
}

export interface DayRealizedInput {
  readonly symbol: string;
  /** The symbol's fills of the day, in any order. */
  readonly fills: readonly Fill[];
  /** After the close: the broker's position, or flat when it holds none. */
  readonly closing: HeldPosition;
  /** The engine's latest stored position for the symbol, if any. */
  readonly snapshot: TimedPosition | null;
}

export function byExecutionTime(a: Fill, b: Fill): number {
  return a.timestampMs - b.timestampMs || (a.executionId < b.executionId ? -1 : 1);
}

const signedQty = (fill: Fill): bigint => (fill.side === 'buy' ? fill.qty : -fill.qty);

/** The average entry before the day's fills, undone from the closing state; null when unknowable. */
function reconstructOpeningAverage(fills: readonly Fill[], closing: HeldPosition): bigint | null {
  let qty: bigint = closing.qty;
  let average: bigint | null = closing.qty === 0n ? 0n : closing.avgEntryPrice;
  for (let index = fills.length - 1; index >= 0; index--) {
    const fill = fills[index]!;
    const before = qty - signedQty(fill);
    if (before === 0n) average = 0n;
    else if (qty === 0n || before > 0n !== qty > 0n) average = null;
    else if ((before > 0n ? before : -before) < (qty > 0n ? qty : -qty) && average !== null) {
      // average × qty = before's average × before + price × fill: solve for before's average.
      const numerator: bigint = average * qty - fill.price * signedQty(fill);
      average = before > 0n ? divRoundHalfEven(numerator, before) : divRoundHalfEven(-numerator, -before);
    }
    qty = before;
  }
  return average;
}

export function dayRealizedPnl(input: DayRealizedInput): SymbolRealized {
  const fills = [...input.fills].sort(byExecutionTime);
  const openingQty = (input.closing.qty - fills.reduce((sum, fill) => sum + signedQty(fill), 0n)) as Fixed;
  const firstFillMs = fills[0]?.timestampMs ?? Number.POSITIVE_INFINITY;
  let source: OpeningCostSource;
  let openingAverage: bigint | null;
  const snapshot = input.snapshot;
  if (openingQty === 0n) {
    source = 'flat';
    openingAverage = null;
  } else if (snapshot !== null && snapshot.asOfMs < firstFillMs && snapshot.qty === openingQty) {
    source = 'snapshot';
    openingAverage = snapshot.avgEntryPrice;
  } else {
    openingAverage = reconstructOpeningAverage(fills, input.closing);
    source = openingAverage === null ? 'unknown' : 'reconstructed';
  }
  const opening = {
    symbol: input.symbol,
    openingQty,
    openingAvgEntryPrice: openingAverage === null ? null : (openingAverage as Fixed),
    openingCostSource: source,
  };
  if (source === 'unknown') return { ...opening, realizedPnl: null };
  const ledger = new PositionLedger();
  if (openingQty !== 0n) ledger.restore(openingQty, openingAverage as Fixed);
  let realized = 0n;
  for (const fill of fills) realized += ledger.applyFill(fill.side, fill.qty, fill.price);
  return { ...opening, realizedPnl: realized as Fixed };
}
