/**
 * What the executions say: counts, wins and losses, costs and traded notional.
 *
 * A "closing trade" is an execution against an open position: a sell while long or a buy while
 * short (it closed, reduced or flipped the position, and so realised P&L, possibly exactly 0).
 * Its result is net of its own fee (realizedPnl − fee); the opening executions' fees are not
 * charged to it, they show in the equity curve and in `fees`. A partial close is a closing trade
 * of its own. A "round trip" ends at an execution after which a position that was open is flat or
 * on the other side.
 *
 * The position before an execution is read from the execution itself (position after minus the
 * signed quantity), so a range that starts mid-run still sees the position it inherited.
 */
import type { TradeRecord } from '../backtest-result.ts';

export interface TradeStatistics {
  /** Every execution. */
  readonly executions: number;
  /** Executions against an open position. */
  readonly closingTrades: number;
  readonly roundTrips: number;
  /** Closing trades with a positive net result over all closing trades; null without closing trades. */
  readonly winRate: number | null;
  /** Sum of the winning closing trades' net results over the absolute sum of the losing ones; null without a loss. */
  readonly profitFactor: number | null;
  /** Mean net result of the winning closing trades; null without a win. */
  readonly averageWin: number | null;
  /** Mean net result of the losing closing trades (negative); null without a loss. */
  readonly averageLoss: number | null;
  /** Σ |qty × price| of every execution, dollars. */
  readonly tradedNotional: number;
  readonly fees: number;
  readonly slippage: number;
}

export function tradeStatistics(trades: readonly TradeRecord[]): TradeStatistics {
  let closingTrades = 0;
  let roundTrips = 0;
  let wins = 0;
  let winTotal = 0;
  let losses = 0;
  let lossTotal = 0;
  let tradedNotional = 0;
  let fees = 0;
  let slippage = 0;
  for (const trade of trades) {
    tradedNotional += Math.abs(trade.qty * trade.price);
    fees += trade.fee;
    slippage += trade.slippage;
    const signedQty = trade.side === 'buy' ? Math.abs(trade.qty) : -Math.abs(trade.qty);
    const before = trade.positionAfter - signedQty;
    if (before === 0 || Math.sign(before) === Math.sign(signedQty)) continue;
    closingTrades += 1;
    if (Math.sign(trade.positionAfter) !== Math.sign(before)) roundTrips += 1;
    const net = trade.realizedPnl - trade.fee;
    if (net > 0) {
      wins += 1;
      winTotal += net;
    } else if (net < 0) {
      losses += 1;
      lossTotal += net;
    }
  }
  return {
    executions: trades.length,
    closingTrades,
    roundTrips,
    winRate: closingTrades > 0 ? wins / closingTrades : null,
    profitFactor: losses > 0 ? winTotal / -lossTotal : null,
    averageWin: wins > 0 ? winTotal / wins : null,
    averageLoss: losses > 0 ? lossTotal / losses : null,
    tradedNotional,
    fees,
    slippage,
  };
}
