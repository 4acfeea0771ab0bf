/**
 * The engine's answers as a person reads them: aligned tables and short lines. Money and
 * quantities are printed as the API sent them (decimal strings), never through a float.
 */
import type {
  BreakerResetAnswer,
  ClosePositionAnswer,
  KillSwitchAnswer,
  OrderAnswer,
  OrdersAnswer,
  PnlAnswer,
  PositionsAnswer,
  ReadyAnswer,
  StatusAnswer,
  StrategyAnswer,
} from '../shared/api/engine-api-schemas.ts';
import { renderTable } from '../shared/ops/ops-table.ts';

const DASH = '-';
const yesNo = (value: boolean) => (value ? 'yes' : 'no');
const orNone = (value: string | null) => value ?? DASH;

export function positionsText(answer: PositionsAnswer): string {
  if (answer.positions.length === 0) return 'no open positions';
  return renderTable(
    {
      columns: ['SYMBOL', 'SIDE', 'QTY', 'AVG ENTRY', 'MARK', 'MARKET VALUE', 'UNREALIZED', 'CLOSING'],
      rows: answer.positions.map((position) => [
        position.symbol,
        position.side,
        position.qty,
        position.avgEntryPrice,
        orNone(position.markPrice),
        orNone(position.marketValue),
        orNone(position.unrealizedPnl),
        yesNo(position.closing),
      ]),
    },
    { rightAligned: ['QTY', 'AVG ENTRY', 'MARK', 'MARKET VALUE', 'UNREALIZED'] },
  );
}

export function ordersText(answer: OrdersAnswer, list: 'open' | 'closed' | 'all'): string {
  if (answer.orders.length === 0)
    return list === 'open' ? 'no working orders' : `no ${list === 'all' ? '' : 'closed '}orders this session`;
  return renderTable(
    {
      columns: [
        'CREATED',
        'SYMBOL',
        'SIDE',
        'TYPE',
        'TIF',
        'QTY',
        'FILLED',
        'AVG PRICE',
        'LIMIT',
        'STATUS',
        'ORIGIN',
        'CLIENT ORDER ID',
      ],
      rows: answer.orders.map((order) => [
        order.createdAt,
        order.symbol,
        order.side,
        order.type,
        order.timeInForce,
        order.qty,
        order.filledQty,
        orNone(order.filledAvgPrice),
        orNone(order.limitPrice),
        order.status,
        order.origin,
        order.clientOrderId,
      ]),
    },
    { rightAligned: ['QTY', 'FILLED', 'AVG PRICE', 'LIMIT'] },
  );
}

export function placedOrderText(order: OrderAnswer): string {
  const price = order.limitPrice === null ? 'market' : `limit ${order.limitPrice}`;
  return `order ${order.clientOrderId}: ${order.side} ${order.qty} ${order.symbol} ${price} ${order.timeInForce}, ${order.status} (filled ${order.filledQty}${order.filledAvgPrice === null ? '' : ` at ${order.filledAvgPrice}`})`;
}

export function pnlText(answer: PnlAnswer): string {
  return renderTable(
    {
      columns: ['SESSION', 'REALIZED', 'UNREALIZED', 'DAILY', 'GROSS EXPOSURE', 'NET EXPOSURE'],
      rows: [
        [
          answer.sessionDate,
          answer.realized,
          answer.unrealized,
          answer.daily,
          answer.exposure.gross,
          answer.exposure.net,
        ],
      ],
    },
    { rightAligned: ['REALIZED', 'UNREALIZED', 'DAILY', 'GROSS EXPOSURE', 'NET EXPOSURE'] },
  );
}

export function strategiesText(strategies: readonly StrategyAnswer[]): string {
  if (strategies.length === 0) return 'no strategies run in this engine';
  return renderTable({
    columns: ['ID', 'ENABLED', 'LATCHED', 'SYMBOLS'],
    rows: strategies.map((strategy) => [
      strategy.id,
      yesNo(strategy.enabled),
      yesNo(strategy.latched),
      strategy.symbols.join(' '),
    ]),
  });
}

export function readyText(answer: ReadyAnswer): string {
  const { checks } = answer;
  const head = answer.ready ? 'ready' : `not ready: ${answer.reasons.join('; ')}`;
  return `${head}\n  trading ${yesNo(checks.trading)}, feeds ${yesNo(checks.feeds)}, trade updates ${yesNo(checks.tradeUpdates)}, reconciled ${yesNo(checks.reconciled)}, lease ${checks.lease.replace('_', ' ')}`;
}

export function statusText(answer: StatusAnswer): string {
  const { pnl, exposure, risk } = answer;
  const lines = [
    `breaker ${risk.breaker}, reconciled ${yesNo(risk.reconciled)}`,
    `P&L ${pnl.sessionDate}: realized ${pnl.realized}, unrealized ${pnl.unrealized}, daily ${pnl.daily}`,
    `exposure: gross ${exposure.gross}, net ${exposure.net}`,
    '',
    answer.positions.length === 0
      ? 'no open positions'
      : renderTable(
          {
            columns: ['SYMBOL', 'QTY', 'AVG ENTRY'],
            rows: answer.positions.map((position) => [position.symbol, position.qty, position.avgEntryPrice]),
          },
          { rightAligned: ['QTY', 'AVG ENTRY'] },
        ),
    '',
    answer.openOrders.length === 0
      ? 'no working orders'
      : renderTable(
          {
            columns: ['SYMBOL', 'SIDE', 'QTY', 'FILLED', 'STATUS', 'ORIGIN', 'CLIENT ORDER ID'],
            rows: answer.openOrders.map((order) => [
              order.symbol,
              order.side,
              order.qty,
              order.filledQty,
              order.status,
              order.origin,
              order.clientOrderId,
            ]),
          },
          { rightAligned: ['QTY', 'FILLED'] },
        ),
  ];
  return lines.join('\n');
}

export function closeText(answer: ClosePositionAnswer): string {
  return `closing ${answer.symbol} (position ${answer.qty}); ctl positions shows it finish`;
}

export function killText(answer: KillSwitchAnswer): string {
  const closing =
    answer.closing.length === 0 ? 'no positions to close' : `closing ${answer.closing.join(', ')}`;
  return `kill switch thrown: breaker ${answer.breaker}, canceling ${answer.canceling} order${answer.canceling === 1 ? '' : 's'}, ${closing}`;
}

export function breakerResetText(answer: BreakerResetAnswer): string {
  return `circuit breaker reset: ${answer.breaker}`;
}
