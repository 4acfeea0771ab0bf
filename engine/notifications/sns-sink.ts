/**
 * The environment's paging topics (infra/paging-topics.ts) as a sink: P0 to the page topic, which
 * on-call's pager subscribes to, P1 to the notify topic, the team's channel. One Publish each, a
 * Subject for e-mail and pager titles and the whole text as the Message.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  type NotificationSink,
  type OutgoingMessage,
  type Severity,
  severityOf,
  summaryTitle,
} from './notification.ts';

export interface PagingTopicArns {
  readonly page: string;
  readonly notify: string;
}

/** SNS takes a subject under 100 characters, without line breaks or control characters. */
const SUBJECT_MAX = 99;

export class SnsSink implements NotificationSink {
  readonly name = 'sns';
  readonly #client: SNSClient;
  readonly #topics: PagingTopicArns;

  constructor(client: SNSClient, topics: PagingTopicArns) {
    this.#client = client;
    this.#topics = topics;
  }

  #topicOf(severity: Severity): string {
    return severity === 'P0' ? this.#topics.page : this.#topics.notify;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    const { subject, text } = snsMessage(message);
    await this.#client.send(
      new PublishCommand({ TopicArn: this.#topicOf(severityOf(message)), Subject: subject, Message: text }),
    );
  }
}

export function snsMessage(message: OutgoingMessage): { subject: string; text: string } {
  const severity = severityOf(message);
  if (message.type === 'notification') {
    const { notification } = message;
    return {
      subject: subjectOf(`[${severity}] ${notification.account}: ${notification.title}`),
      text: [
        `[${severity}] ${notification.title}`,
        '',
        notification.detail,
        '',
        `account: ${notification.account}`,
        `environment: ${notification.environment}`,
        `at: ${new Date(notification.atMs).toISOString()}`,
        `kind: ${notification.kind}`,
      ].join('\n'),
    };
  }
  const { summary } = message;
  const title = summaryTitle(summary);
  return {
    subject: subjectOf(`[${severity}] ${summary.account}: ${title}`),
    text: [
      `[${severity}] ${title}`,
      '',
      'First held:',
      ...summary.firstTitles.map((line) => `- ${line}`),
      '',
      `account: ${summary.account}`,
      `environment: ${summary.environment}`,
      `from: ${new Date(summary.fromMs).toISOString()}`,
      `to: ${new Date(summary.toMs).toISOString()}`,
    ].join('\n'),
  };
}

function subjectOf(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what SNS refuses.
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return oneLine.length <= SUBJECT_MAX ? oneLine : `${oneLine.slice(0, SUBJECT_MAX - 1)}…`;
}
