import type { Fixed } from './fixed.ts';
import type { AssetClass } from './symbol.ts';

export interface Position {
  readonly symbol: string;
  readonly assetClass: AssetClass;
  /** Signed: positive long, negative short. */
  readonly qty: Fixed;
  /** Average entry price of the open quantity; zero when flat. */
  readonly avgEntryPrice: Fixed;
  /** Profit realised by closing trades since the position was first opened. */
  readonly realizedPnl: Fixed;
}

export type PositionSide = 'long' | 'short' | 'flat';

export function positionSide(qty: Fixed): PositionSide {
  return qty > 0n ? 'long' : qty < 0n ? 'short' : 'flat';
}
