/**
 * The notification sinks a process has, from its environment (not the config files: the webhook
 * URL is a secret, and the topics are the deployed environment's): TRADING_NOTIFY_WEBHOOK_URL for a
 * Slack-format webhook, TRADING_PAGE_TOPIC_ARN and TRADING_NOTIFY_TOPIC_ARN for SNS (both or
 * neither). Empty counts as unset. A problem names the variable and never quotes the URL.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { z } from 'zod';
import type { NotificationSink } from './notification.ts';
import { SlackWebhookSink, webhookUrlProblem } from './slack-webhook-sink.ts';
import { type PagingTopicArns, SnsSink } from './sns-sink.ts';

export interface NotificationSettings {
  readonly webhookUrl?: string;
  readonly topics?: PagingTopicArns;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}$/;

const optional = (value: z.ZodType<string>) =>
  z.preprocess((raw) => (raw === '' ? undefined : raw), value.optional());
const topicArn = optional(
  z.string().regex(TOPIC_ARN, 'is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)'),
);

const schema = z
  .object({
    TRADING_NOTIFY_WEBHOOK_URL: optional(
      z.string().superRefine((url, context) => {
        const problem = webhookUrlProblem(url);
        if (problem !== null) context.addIssue({ code: 'custom', message: problem });
      }),
    ),
    TRADING_PAGE_TOPIC_ARN: topicArn,
    TRADING_NOTIFY_TOPIC_ARN: topicArn,
  })
  .superRefine((env, context) => {
    if ((env.TRADING_PAGE_TOPIC_ARN === undefined) !== (env.TRADING_NOTIFY_TOPIC_ARN === undefined))
      context.addIssue({
        code: 'custom',
        path: [
          env.TRADING_PAGE_TOPIC_ARN === undefined ? 'TRADING_PAGE_TOPIC_ARN' : 'TRADING_NOTIFY_TOPIC_ARN',
        ],
        message: 'is needed too: P0 goes to the page topic and P1 to the notify topic',
      });
  });

export type NotificationSettingsResult =
  | { readonly ok: true; readonly settings: NotificationSettings }
  | { readonly ok: false; readonly problems: readonly string[] };

export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv): NotificationSettingsResult {
  const parsed = schema.safeParse({
    TRADING_NOTIFY_WEBHOOK_URL: env.TRADING_NOTIFY_WEBHOOK_URL,
    TRADING_PAGE_TOPIC_ARN: env.TRADING_PAGE_TOPIC_ARN,
    TRADING_NOTIFY_TOPIC_ARN: env.TRADING_NOTIFY_TOPIC_ARN,
  });
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`),
    };
  const { TRADING_NOTIFY_WEBHOOK_URL: webhookUrl, TRADING_PAGE_TOPIC_ARN: page } = parsed.data;
  const notify = parsed.data.TRADING_NOTIFY_TOPIC_ARN;
  return {
    ok: true,
    settings: {
      ...(webhookUrl === undefined ? {} : { webhookUrl }),
      ...(page === undefined || notify === undefined ? {} : { topics: { page, notify } }),
    },
  };
}

export function notificationSinks(settings: NotificationSettings): NotificationSink[] {
  const sinks: NotificationSink[] = [];
  if (settings.webhookUrl !== undefined) sinks.push(new SlackWebhookSink({ url: settings.webhookUrl }));
  if (settings.topics !== undefined) {
    const client = new SNSClient({
      // The topics are the environment's, in its region, whatever region the process runs in.
      region: TOPIC_ARN.exec(settings.topics.page)![1]!,
      // A notification is not worth more than a short wait: the next one, or the alarm, follows.
      maxAttempts: 2,
      requestHandler: { requestTimeout: 5_000, connectionTimeout: 1_000 },
    });
    sinks.push(new SnsSink(client, settings.topics));
  }
  return sinks;
}
