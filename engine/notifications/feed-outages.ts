/**
 * Feed outages as notifications: a feed cut off (feed-connection-watch.ts: not connected, a quiet
 * but connected feed is no outage) for `downAfterMs` is down, once per outage, and back once it is
 * connected again. Polled with each feed's cut-off time, so a reconnect quicker than `downAfterMs`
 * tells no one.
 */
import { formatDuration } from '../../shared/time/format-duration.ts';
import type { NotificationDraft } from './event-notifications.ts';

export class FeedOutages {
  readonly #downAfterMs: number;
  /** By feed index: when the outage that was reported began. */
  readonly #downSinceMs = new Map<number, number>();

  constructor(downAfterMs: number) {
    this.#downAfterMs = downAfterMs;
  }

  /** `disconnectedSeconds` by feed index, as /health numbers them (feed0, feed1). */
  check(disconnectedSeconds: readonly number[], nowMs: number): NotificationDraft[] {
    const drafts: NotificationDraft[] = [];
    disconnectedSeconds.forEach((seconds, index) => {
      const cutOffMs = seconds * 1_000;
      const since = this.#downSinceMs.get(index);
      if (since === undefined && cutOffMs >= this.#downAfterMs) {
        this.#downSinceMs.set(index, nowMs - cutOffMs);
        drafts.push({
          severity: 'P1',
          kind: 'feed_down',
          title: `market data feed${index} cut off for ${formatDuration(cutOffMs)}`,
          detail: `The feed is reconnecting; until it is back its symbols are stale, so their stops and strategies get no quotes and risk refuses new entries in them.`,
          atMs: nowMs,
        });
      } else if (since !== undefined && cutOffMs === 0) {
        this.#downSinceMs.delete(index);
        drafts.push({
          severity: 'P1',
          kind: 'feed_restored',
          title: `market data feed${index} back after ${formatDuration(nowMs - since)}`,
          detail:
            'The feed is connected again; the minute bars it missed are fetched before live bars go on.',
          atMs: nowMs,
        });
      }
    });
    return drafts;
  }
}
