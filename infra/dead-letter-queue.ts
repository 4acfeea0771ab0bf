/**
 * A dead-letter queue: encrypted, TLS-only, kept 14 days (SQS's maximum) so a weekend's failures
 * are still there on Monday. It is the end of the line, so it has no dead-letter queue itself.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export function deadLetterQueue(
  scope: Construct,
  id: string,
  options: { readonly of: string; readonly queueName?: string },
): Queue {
  const queue = new Queue(scope, id, {
    ...(options.queueName === undefined ? {} : { queueName: options.queueName }),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${options.of}; it has none of its own.`,
  });
  return queue;
}
