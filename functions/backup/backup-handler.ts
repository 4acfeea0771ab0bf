/**
 * The daily backup as a Lambda handler (middy, Powertools): a config snapshot of the bundled
 * config files to the config bucket. The tables need nothing from it: point-in-time recovery and
 * the AWS Backup plan (infra/) back them up. Tests call it with fauxqs (S3) and dynalite;
 * handler.ts wires the AWS parts.
 */
import type { ArtifactStore } from '../../shared/ops/artifact-store.ts';
import { runBackupJob } from '../../shared/ops/backup-job.ts';
import { createOpsLambdaHandler, type OpsLambdaDependencies } from '../ops/ops-lambda-handler.ts';

export interface BackupHandlerDependencies extends OpsLambdaDependencies {
  /** The config bucket. */
  readonly artifacts: ArtifactStore;
  /** Listed per run, so a missing or empty folder fails the run with its reason. */
  readonly configFiles: () => string[];
}

export function createBackupHandler(deps: BackupHandlerDependencies) {
  return createOpsLambdaHandler('backup', deps, async () =>
    runBackupJob({
      where: 'aws',
      nowMs: deps.clock.nowMs(),
      configFiles: deps.configFiles(),
      artifacts: deps.artifacts,
    }),
  );
}
