/**
 * A webhook in Slack's incoming-webhook format: a JSON POST of `{text, blocks}`, `text` being the
 * fallback a phone's notification shows. The URL is a secret (whoever has it can post to the
 * channel), so it appears in no error this sink raises, and it must be https unless the host is
 * loopback (a local receiver).
 */
import { request } from 'undici';
import { isLoopbackHost } from '../../shared/config/consistency-rules.ts';
import {
  type Notification,
  type NotificationSink,
  type OutgoingMessage,
  type StormSummary,
  severityOf,
  summaryTitle,
} from './notification.ts';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
}

/** Why the URL cannot be used, without quoting it; null when it can. */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return null;
  return 'must be https (plain http only to a loopback host)';
}

/** Slack's limits: 150 characters of header, 3000 of a section's text. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

export interface SlackWebhookSinkOptions {
  readonly url: string;
  /** The whole request, connecting to the end of the answer. */
  readonly timeoutMs?: number;
}

export class SlackWebhookSink implements NotificationSink {
  readonly name = 'webhook';
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: SlackWebhookSinkOptions) {
    const problem = webhookUrlProblem(options.url);
    if (problem !== null) throw new WebhookError(`the webhook URL ${problem}`);
    this.#url = options.url;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async deliver(message: OutgoingMessage): Promise<void> {
    let status: number;
    let answer: string;
    try {
      const response = await request(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(message)),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = response.statusCode;
      answer = await response.body.text();
    } catch (error) {
      // undici's errors may name the address; only the code or the error's kind goes on.
      const code = (error as { code?: unknown }).code;
      const name = error instanceof Error ? error.name : 'error';
      throw new WebhookError(`webhook did not answer (${typeof code === 'string' ? code : name})`);
    }
    if (status < 200 || status > 299)
      throw new WebhookError(`webhook answered HTTP ${status}: ${answer.slice(0, 100)}`);
  }
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
}

export function slackMessage(message: OutgoingMessage): SlackMessage {
  const severity = severityOf(message);
  if (message.type === 'notification') {
    const { notification } = message;
    return {
      text: `[${severity}] ${notification.title}`,
      blocks: [
        header(`${severity} · ${notification.title}`),
        section(escapeSlack(notification.detail)),
        context(notification, notification.atMs, notification.atMs),
      ],
    };
  }
  const { summary } = message;
  const title = summaryTitle(summary);
  const titles = summary.firstTitles.map((line) => `• ${escapeSlack(line)}`).join('\n');
  return {
    text: `[${severity}] ${title}`,
    blocks: [
      header(`${severity} · ${title}`),
      section(`First held:\n${titles}`),
      context(summary, summary.fromMs, summary.toMs),
    ],
  };
}

function header(text: string): Record<string, unknown> {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, HEADER_MAX) } };
}

function section(markdown: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(markdown, SECTION_MAX) } };
}

function context(
  about: Pick<Notification | StormSummary, 'account' | 'environment'>,
  fromMs: number,
  toMs: number,
): Record<string, unknown> {
  const when =
    fromMs === toMs
      ? new Date(fromMs).toISOString()
      : `${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}`;
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `account *${escapeSlack(about.account)}* · ${escapeSlack(about.environment)} · ${when}`,
      },
    ],
  };
}

/**
 * Slack reads `&`, `<` and `>` as markup (links, mentions) and decodes only those three entities,
 * so the HTML escaper, which also encodes quotes, would show `&quot;` in the channel.
 */
function escapeSlack(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
