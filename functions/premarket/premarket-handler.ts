/**
 * The pre-market check as a Lambda handler (middy, Powertools): runPremarketCheck with parts
 * resolved per run (so a rotated broker key or API token is picked up). Tests call it with the
 * simulator, dynalite and a running engine API; handler.ts wires the AWS parts.
 */

import type { EngineApiClient } from '../../shared/api/engine-api-client.ts';
import type { Config } from '../../shared/config/load-config.ts';
import type { PremarketBroker } from '../../shared/ops/premarket/run-premarket-check.ts';
import { runPremarketCheck } from '../../shared/ops/premarket/run-premarket-check.ts';
import type { LeaseStore } from '../../shared/store/lease-store.ts';
import {
  createOpsLambdaHandler,
  emfOpsMetrics,
  type OpsLambdaDependencies,
} from '../ops/ops-lambda-handler.ts';

export interface PremarketHandlerDependencies extends OpsLambdaDependencies {
  readonly broker: () => Promise<PremarketBroker>;
  readonly engine: () => Promise<Pick<EngineApiClient, 'health'>>;
  readonly leases: Pick<LeaseStore, 'read'>;
  /** Loaded per run: a config that no longer validates fails the run with every problem named. */
  readonly config: () => Config;
}

export function createPremarketHandler(deps: PremarketHandlerDependencies) {
  return createOpsLambdaHandler('premarket', deps, async () => {
    const config = deps.config();
    return runPremarketCheck({
      broker: await deps.broker(),
      engine: await deps.engine(),
      leases: deps.leases,
      system: config.system,
      limits: config.risk,
      clock: deps.clock,
      metrics: emfOpsMetrics(deps.metrics),
    });
  });
}
