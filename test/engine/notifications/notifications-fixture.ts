/**
 * Notifications for the notification tests, and a receiver of Slack-format webhook posts on a
 * loopback ephemeral port that keeps every body it was sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notification } from '../../../engine/notifications/notification.ts';
import type { SlackMessage } from '../../../engine/notifications/slack-webhook-sink.ts';

export const T0 = Date.UTC(2026, 10, 24, 15, 0, 0);

export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    severity: 'P1',
    kind: 'feed_down',
    title: 'market data feed0 cut off for 5.0s',
    detail: 'reconnecting',
    account: 'paper-1',
    environment: 'development',
    atMs: T0,
    ...overrides,
  };
}

export interface WebhookReceiver {
  /** http://127.0.0.1:PORT/services/T000/B000/secret-part-of-the-url */
  readonly url: string;
  readonly bodies: SlackMessage[];
  /** The status every post is answered with (200 until changed). */
  status: number;
  /** Resolves once `count` bodies have come (at once if they have). */
  received(count: number, timeoutMs?: number): Promise<SlackMessage[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const bodies: SlackMessage[] = [];
  const waiters = new Set<() => void>();
  const receiver: { status: number } = { status: 200 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.headers['content-type'] === 'application/json')
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage);
      for (const waiter of waiters) waiter();
      response.writeHead(receiver.status, { 'content-type': 'text/plain' });
      response.end(receiver.status === 200 ? 'ok' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret-part-of-the-url`,
    bodies,
    received: (count: number, timeoutMs = 10_000) =>
      new Promise<SlackMessage[]>((resolve, reject) => {
        const check = (): void => {
          if (bodies.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(bodies);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`webhook: ${bodies.length} of ${count} posts within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
