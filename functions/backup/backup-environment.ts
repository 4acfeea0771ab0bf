/** The backup function's settings, from the environment variables its CDK construct sets. */
import { z } from 'zod';
import { opsEnvironmentSchema } from '../ops/ops-environment.ts';

export const backupEnvironmentSchema = opsEnvironmentSchema
  .pick({ AWS_REGION: true, ACCOUNT_NAME: true, STATE_TABLE_NAME: true })
  .extend({
    /** The bucket config snapshots go to (its lifecycle rule expires them after 90 days). */
    CONFIG_BUCKET: z.string().min(3),
    /** The folder the config files are bundled into (system*.json, risk_limits.toml, fees.toml). */
    CONFIG_DIR: z.string().min(1),
  });
