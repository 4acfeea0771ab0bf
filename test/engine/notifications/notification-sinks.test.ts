import { describe, expect, it } from 'vitest';
import {
  notificationSettingsFromEnv,
  notificationSinks,
} from '../../../engine/notifications/notification-sinks.ts';

const PAGE = 'arn:aws:sns:eu-west-1:123456789012:Trading-production-PagingTopicsPage1A2B3C4D';
const NOTIFY = 'arn:aws:sns:eu-west-1:123456789012:Trading-production-PagingTopicsNotify5E6F7A8B';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret-part-of-the-url';

describe('Function: notificationSettingsFromEnv', () => {
  it('has no sinks when nothing is set, or set empty', () => {
    expect(notificationSettingsFromEnv({})).toStrictEqual({ ok: true, settings: {} });
    expect(
      notificationSettingsFromEnv({
        TRADING_NOTIFY_WEBHOOK_URL: '',
        TRADING_PAGE_TOPIC_ARN: '',
        TRADING_NOTIFY_TOPIC_ARN: '',
      }),
    ).toStrictEqual({ ok: true, settings: {} });
  });

  it('takes a webhook and both topics', () => {
    expect(
      notificationSettingsFromEnv({
        TRADING_NOTIFY_WEBHOOK_URL: WEBHOOK,
        TRADING_PAGE_TOPIC_ARN: PAGE,
        TRADING_NOTIFY_TOPIC_ARN: NOTIFY,
      }),
    ).toStrictEqual({ ok: true, settings: { webhookUrl: WEBHOOK, topics: { page: PAGE, notify: NOTIFY } } });
  });

  it('takes a plain http webhook on loopback (a local receiver)', () => {
    expect(
      notificationSettingsFromEnv({ TRADING_NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9000/hook' }),
    ).toStrictEqual({ ok: true, settings: { webhookUrl: 'http://127.0.0.1:9000/hook' } });
  });

  it('names every bad variable at once, and never quotes the webhook URL', () => {
    const result = notificationSettingsFromEnv({
      TRADING_NOTIFY_WEBHOOK_URL: 'http://hooks.example.com/services/T000/B000/secret-part-of-the-url',
      TRADING_PAGE_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:not-a-topic',
    });

    expect(result).toStrictEqual({
      ok: false,
      problems: [
        'TRADING_NOTIFY_WEBHOOK_URL must be https (plain http only to a loopback host)',
        'TRADING_PAGE_TOPIC_ARN is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)',
        'TRADING_NOTIFY_TOPIC_ARN is needed too: P0 goes to the page topic and P1 to the notify topic',
      ],
    });
  });

  it('refuses a webhook that is not a URL', () => {
    expect(
      notificationSettingsFromEnv({ TRADING_NOTIFY_WEBHOOK_URL: 'hooks.slack.com/secret' }),
    ).toStrictEqual({
      ok: false,
      problems: ['TRADING_NOTIFY_WEBHOOK_URL is not a URL'],
    });
  });

  it.each([
    [{ TRADING_PAGE_TOPIC_ARN: PAGE }, 'TRADING_NOTIFY_TOPIC_ARN'],
    [{ TRADING_NOTIFY_TOPIC_ARN: NOTIFY }, 'TRADING_PAGE_TOPIC_ARN'],
  ])('wants both topics or neither: %o', (env, missing) => {
    expect(notificationSettingsFromEnv(env)).toStrictEqual({
      ok: false,
      problems: [`${missing} is needed too: P0 goes to the page topic and P1 to the notify topic`],
    });
  });
});

describe('Function: notificationSinks', () => {
  it('builds a sink for each configured destination', () => {
    expect(notificationSinks({}).map((sink) => sink.name)).toStrictEqual([]);
    expect(
      notificationSinks({ webhookUrl: WEBHOOK, topics: { page: PAGE, notify: NOTIFY } }).map(
        (sink) => sink.name,
      ),
    ).toStrictEqual(['webhook', 'sns']);
  });
});
