/**
 * At the end of the soak, with the tape quiet: the engine's positions and open orders (its API)
 * against the simulator's (Alpaca REST), through the reconciliation's own comparison. Trade
 * updates may still be on their way when the tape stops, so differences are read again for a
 * few seconds before they count.
 */
import type { EngineApiClient } from '../../shared/api/engine-api-client.ts';
import { reconciliationDifferences } from '../../shared/ops/reconcile/reconciliation-differences.ts';
import { brokerView, engineApiView } from '../../shared/ops/reconcile/run-reconciliation.ts';
import type { TradingVenue } from '../../shared/venue/trading-venue.ts';
import type { Consistency } from './soak-figures.ts';
import { engineReading } from './soak-sample.ts';

const SETTLE_MS = 10_000;
const RETRY_MS = 500;

export async function soakConsistency(
  engine: Pick<EngineApiClient, 'status' | 'metrics'>,
  venue: Pick<TradingVenue, 'listPositions' | 'listOrders'>,
): Promise<Consistency> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const [status, positions, openOrders] = await Promise.all([
      engine.status(),
      venue.listPositions(),
      venue.listOrders({ status: 'open', limit: 500 }),
    ]);
    const differences = reconciliationDifferences(
      { api: engineApiView(status) },
      brokerView(positions, openOrders),
    );
    if (differences.length === 0 || Date.now() >= deadline) {
      // The run's counters, not the API's lists, which keep only the latest orders and fills.
      const { ordersSent, fillsBooked } = engineReading(await engine.metrics());
      return {
        differences,
        engineOrders: ordersSent,
        engineFills: fillsBooked,
        openOrders: openOrders.length,
        positions: positions.filter((position) => position.qty !== 0n).length,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
