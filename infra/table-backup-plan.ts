/**
 * AWS Backup for the tables, on top of their point-in-time recovery (RPO ≤ 15 minutes, set in
 * store-tables.ts): a backup every 6 hours, kept 30 days, in a vault that survives the stack,
 * so an operator mistake older than the PITR window or a deleted table can still be restored.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export const TABLE_BACKUP_RETENTION_DAYS = 30;

export interface TableBackupPlanProps {
  readonly tables: readonly ITableV2[];
}

export class TableBackupPlan extends Construct {
  readonly plan: BackupPlan;
  readonly vault: BackupVault;

  constructor(scope: Construct, id: string, props: TableBackupPlanProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    this.plan = new BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'every-6-hours',
          // 00:00, 06:00, 12:00 and 18:00 UTC.
          scheduleExpression: Schedule.cron({ minute: '0', hour: '0/6' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(2),
          deleteAfter: Duration.days(TABLE_BACKUP_RETENTION_DAYS),
        }),
      ],
    });
    const selection = this.plan.addSelection('Tables', {
      resources: props.tables.map((table) => BackupResource.fromArn(table.tableArn)),
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's service role: AWSBackupServiceRolePolicyForBackup is AWS-maintained and kept current with the calls each resource type's backup needs (DynamoDB's included).",
    });
  }
}
