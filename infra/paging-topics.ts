/**
 * Where alarms go: P0 pages the person on call (an engine that cannot trade safely, money at
 * risk), P1 notifies (something to look at within the day). Both encrypted and TLS-only; on-call
 * subscribes their pager to `page` and the team's channel to `notify` (docs/deployment.md).
 */
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export type Severity = 'page' | 'notify';

export interface PagingTopicsProps {
  /** For the topics' display names. */
  readonly environment: string;
}

export class PagingTopics extends Construct {
  readonly page: Topic;
  readonly notify: Topic;

  constructor(scope: Construct, id: string, props: PagingTopicsProps) {
    super(scope, id);
    const masterKey = Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns');
    this.page = new Topic(this, 'Page', {
      displayName: `Trading ${props.environment} P0 (page)`,
      enforceSSL: true,
      masterKey,
    });
    this.notify = new Topic(this, 'Notify', {
      displayName: `Trading ${props.environment} P1 (notify)`,
      enforceSSL: true,
      masterKey,
    });
  }

  of(severity: Severity): Topic {
    return severity === 'page' ? this.page : this.notify;
  }
}
