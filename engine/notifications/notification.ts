/**
 * What the engine tells the people operating it, in its own terms: P0 wants a person now (the
 * engine cannot trade safely, money at risk), P1 wants a look within the day. The sinks (a Slack
 * webhook, SNS) turn these into their own formats; the storm limiter folds a burst into one summary.
 */

export type Severity = 'P0' | 'P1';

export type NotificationKind =
  | 'breaker_tripped'
  | 'loss_threshold'
  | 'kill_switch'
  | 'feed_down'
  | 'feed_restored'
  | 'lease_lost'
  | 'reconciliation_difference';

export interface Notification {
  readonly severity: Severity;
  readonly kind: NotificationKind;
  /** One line, for a pager's subject or a chat message's first line. */
  readonly title: string;
  readonly detail: string;
  /** config account.name */
  readonly account: string;
  /** config environment */
  readonly environment: string;
  readonly atMs: number;
}

/** What a storm window held back, sent as one message when the window closes. */
export interface StormSummary {
  /** The highest severity held: a P0 among them makes the summary a P0. */
  readonly severity: Severity;
  readonly account: string;
  readonly environment: string;
  readonly held: number;
  /** Held notifications by kind, most frequent first. */
  readonly byKind: readonly { readonly kind: NotificationKind; readonly count: number }[];
  /** The titles of the first few held, in the order they came. */
  readonly firstTitles: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
}

export type OutgoingMessage =
  | { readonly type: 'notification'; readonly notification: Notification }
  | { readonly type: 'summary'; readonly summary: StormSummary };

/**
 * Where messages go. `deliver` rejects when the message did not get there; its error must never
 * carry the sink's secrets (a webhook URL), since the caller logs it.
 */
export interface NotificationSink {
  /** For logs and metric labels: `webhook`, `sns`. */
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
}

export function severityOf(message: OutgoingMessage): Severity {
  return message.type === 'notification' ? message.notification.severity : message.summary.severity;
}

/** The summary's one-line headline, shared by every sink so a storm reads the same everywhere. */
export function summaryTitle(summary: StormSummary): string {
  const kinds = summary.byKind.map(({ kind, count }) => `${kind} ×${count}`).join(', ');
  return `${summary.held} more notifications held back in a storm (${kinds})`;
}
