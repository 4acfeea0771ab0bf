/**
 * Simulator order records for unit tests of the engine's bookkeeping: a market buy of one AAPL,
 * built as the matching engine builds them.
 */
import { parseFixed } from '../../../shared/domain/fixed.ts';
import type { SimAsset } from '../../../sim/trading/asset-catalog.ts';
import { SimOrder } from '../../../sim/trading/sim-order.ts';

const ASSET: SimAsset = {
  id: 'asset-aapl',
  symbol: 'AAPL',
  class: 'us_equity',
  exchange: 'NASDAQ',
  name: 'AAPL Simulated Common Stock',
  status: 'active',
  tradable: true,
  marginable: true,
  shortable: true,
  easy_to_borrow: true,
  fractionable: true,
};

let nextSeq = 0;

/** A new order (the next seq) with this client_order_id, and its id `order-<seq>`. */
export function simOrderFor(clientOrderId: string): SimOrder {
  const seq = nextSeq++;
  return new SimOrder(
    `order-${seq}`,
    seq,
    clientOrderId,
    {
      symbol: 'AAPL',
      side: 'buy',
      type: 'market',
      timeInForce: 'day',
      qty: parseFixed('1'),
      notional: null,
      limitPrice: null,
      stopPrice: null,
      trailPrice: null,
      trailPercent: null,
      extendedHours: false,
      clientOrderId,
    },
    { asset: ASSET, reserved: parseFixed('0'), intent: 'buy_to_open' },
    0,
    null,
    undefined,
  );
}
