/**
 * Reconciliation as a Lambda handler (middy, Powertools): on a schedule it runs only while the
 * broker's clock says the market is open; invoked on demand (`"trigger": "on-demand"`) it runs at
 * once. Tests call it with the simulator, dynalite and a running engine API.
 */
import type { EngineApiClient } from '../../shared/api/engine-api-client.ts';
import {
  type ReconciliationBroker,
  runReconciliation,
} from '../../shared/ops/reconcile/run-reconciliation.ts';
import type { Store } from '../../shared/store/store.ts';
import {
  createOpsLambdaHandler,
  emfOpsMetrics,
  type OpsLambdaDependencies,
} from '../ops/ops-lambda-handler.ts';

export interface ReconcileHandlerDependencies extends OpsLambdaDependencies {
  readonly broker: () => Promise<ReconciliationBroker>;
  readonly engine: () => Promise<Pick<EngineApiClient, 'status'>>;
  readonly store: Pick<Store, 'listPositions' | 'listWorkingOrders'>;
  readonly confirmAfterMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export function createReconcileHandler(deps: ReconcileHandlerDependencies) {
  return createOpsLambdaHandler('reconcile', deps, async (event) =>
    runReconciliation(
      {
        broker: await deps.broker(),
        engine: await deps.engine(),
        store: deps.store,
        clock: deps.clock,
        metrics: emfOpsMetrics(deps.metrics),
        sleep: deps.sleep,
      },
      { onlyWhenOpen: event.trigger === 'schedule', confirmAfterMs: deps.confirmAfterMs },
    ),
  );
}
