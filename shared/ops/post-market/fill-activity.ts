/**
 * The day's trading per symbol from its fills: how many executions and orders, shares bought and
 * sold, their notional, and the regulatory fees the sales are estimated to have cost
 * (shared/domain/regulatory-fees.ts with the project's rates, per execution as Alpaca charges them).
 * The estimate is ours; Alpaca computes and charges the fees itself.
 */
import type { Fill } from '../../domain/fill.ts';
import { type Fixed, mul } from '../../domain/fixed.ts';
import type { FeeSchedule } from '../../domain/regulatory-fees.ts';

export interface SymbolActivity {
  readonly symbol: string;
  readonly fills: number;
  /** Distinct orders with a fill today. */
  readonly orders: number;
  readonly boughtQty: Fixed;
  readonly soldQty: Fixed;
  readonly boughtNotional: Fixed;
  readonly soldNotional: Fixed;
  readonly estimatedFees: Fixed;
}

export function symbolActivity(
  fills: readonly Fill[],
  fees: FeeSchedule,
  isCrypto: (symbol: string) => boolean,
): SymbolActivity[] {
  const bySymbol = new Map<string, Fill[]>();
  for (const fill of fills) bySymbol.set(fill.symbol, [...(bySymbol.get(fill.symbol) ?? []), fill]);
  return [...bySymbol.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([symbol, own]) => {
      let boughtQty = 0n;
      let soldQty = 0n;
      let boughtNotional = 0n;
      let soldNotional = 0n;
      let estimatedFees = 0n;
      for (const fill of own) {
        const notional = mul(fill.price, fill.qty);
        if (fill.side === 'buy') {
          boughtQty += fill.qty;
          boughtNotional += notional;
        } else {
          soldQty += fill.qty;
          soldNotional += notional;
        }
        estimatedFees += fees.feeFor(fill.side, isCrypto(symbol), fill.qty, fill.price);
      }
      return {
        symbol,
        fills: own.length,
        orders: new Set(own.map((fill) => fill.clientOrderId)).size,
        boughtQty: boughtQty as Fixed,
        soldQty: soldQty as Fixed,
        boughtNotional: boughtNotional as Fixed,
        soldNotional: soldNotional as Fixed,
        estimatedFees: estimatedFees as Fixed,
      };
    });
}
