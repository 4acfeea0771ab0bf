/**
 * The post-market report as a Lambda handler (createOpsLambdaHandler: middy, Powertools, the
 * `ReportFailed` metric), built from injected parts so tests run it against dynalite, fauxqs' S3
 * and the simulator; handler.ts wires the AWS ones. A scheduled run reports once a day when the
 * session is over; an on-demand run reports again even if today's report is done.
 */
import type { FeeRates } from '../../shared/config/fees-schema.ts';
import type { ArtifactStore } from '../../shared/ops/artifact-store.ts';
import type { OpsReport } from '../../shared/ops/ops-report.ts';
import {
  type PostMarketReportDeps,
  runPostMarketReport,
} from '../../shared/ops/post-market/post-market-report.ts';
import {
  createOpsLambdaHandler,
  type OpsLambdaDependencies,
  powertoolsOpsLog,
} from '../ops/ops-lambda-handler.ts';

export interface PostMarketReportHandlerDependencies extends OpsLambdaDependencies {
  readonly store: PostMarketReportDeps['store'] & { putOpsReport(report: OpsReport): Promise<void> };
  /** Resolved per run, so a rotated key pair is picked up. */
  readonly broker: () => Promise<PostMarketReportDeps['broker']>;
  readonly artifacts: ArtifactStore;
  /** Read per run: a missing or bad fee file is that run's failure, not a crash at start. */
  readonly feeRates: () => FeeRates;
}

export function createPostMarketReportHandler(deps: PostMarketReportHandlerDependencies) {
  const log = powertoolsOpsLog(deps.logger);
  return createOpsLambdaHandler('report', { ...deps, reports: deps.store }, async (event) =>
    runPostMarketReport(
      {
        store: deps.store,
        broker: await deps.broker(),
        clock: deps.clock,
        artifacts: deps.artifacts,
        feeRates: deps.feeRates(),
        log,
      },
      { force: event.trigger === 'on-demand' },
    ),
  );
}
