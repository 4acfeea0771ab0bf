/**
 * The restart's check of the stored positions against the broker's. The broker's figures are the
 * truth and the engine takes them whatever this finds; a difference means the store missed a fill
 * (a crash before the write, a refused write) or the account traded while the engine was down,
 * which someone should look at. Pure: quantities in, differences out.
 */
import { type Fixed, ZERO } from '../../shared/domain/fixed.ts';

export type PositionDifferenceKind = 'missing_at_broker' | 'missing_in_store' | 'qty_differs';

export const POSITION_DIFFERENCE_KINDS: readonly PositionDifferenceKind[] = [
  'missing_at_broker',
  'missing_in_store',
  'qty_differs',
];

export interface PositionDifference {
  readonly symbol: string;
  readonly kind: PositionDifferenceKind;
  readonly storedQty: Fixed;
  readonly brokerQty: Fixed;
}

interface HeldQty {
  readonly symbol: string;
  readonly qty: Fixed;
}

/** Every symbol whose stored quantity is not the broker's, by symbol; a flat position counts as none. */
export function positionDifferences(
  stored: readonly HeldQty[],
  broker: readonly HeldQty[],
): PositionDifference[] {
  const storedBySymbol = openBySymbol(stored);
  const brokerBySymbol = openBySymbol(broker);
  const symbols = [...new Set([...storedBySymbol.keys(), ...brokerBySymbol.keys()])].sort();
  const differences: PositionDifference[] = [];
  for (const symbol of symbols) {
    const storedQty = storedBySymbol.get(symbol) ?? ZERO;
    const brokerQty = brokerBySymbol.get(symbol) ?? ZERO;
    if (storedQty === brokerQty) continue;
    const kind: PositionDifferenceKind =
      brokerQty === ZERO ? 'missing_at_broker' : storedQty === ZERO ? 'missing_in_store' : 'qty_differs';
    differences.push({ symbol, kind, storedQty, brokerQty });
  }
  return differences;
}

function openBySymbol(positions: readonly HeldQty[]): Map<string, Fixed> {
  return new Map(positions.filter(({ qty }) => qty !== ZERO).map(({ symbol, qty }) => [symbol, qty]));
}
