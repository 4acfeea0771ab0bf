/**
 * Where the scheduled jobs write files: the post-market reports (reports/<date>/…, kept 400 days
 * so a year of reports is always there) and the daily config snapshots (config/<date>/…, kept 90
 * days as issue 14 asks). Both private, encrypted, TLS-only, versioned and kept when the stack is
 * deleted.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const REPORTS_PREFIX = 'reports/';
export const CONFIG_SNAPSHOTS_PREFIX = 'config/';
export const REPORT_RETENTION_DAYS = 400;
export const CONFIG_SNAPSHOT_RETENTION_DAYS = 90;

const COMMON: BucketProps = {
  encryption: BucketEncryption.S3_MANAGED,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
};

export class OpsBuckets extends Construct {
  readonly reports: Bucket;
  readonly configSnapshots: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.reports = new Bucket(this, 'Reports', {
      ...COMMON,
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(REPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.configSnapshots = new Bucket(this, 'ConfigSnapshots', {
      ...COMMON,
      lifecycleRules: [
        {
          id: 'expire-config-snapshots',
          expiration: Duration.days(CONFIG_SNAPSHOT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    for (const bucket of [this.reports, this.configSnapshots]) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Written only by one scheduled function through its own role (CloudTrail records who wrote); the objects are regenerable reports and config copies, and an access-log bucket would add cost without audit value.',
      });
    }
  }
}
