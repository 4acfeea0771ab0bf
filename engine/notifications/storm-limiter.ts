/**
 * A storm limiter for one sink, pure: time comes in as an argument. Within a window the first
 * `maxPerWindow` notifications pass; the rest are held, and when the window closes they go out as
 * one summary. A window that held something starts a storm: every notification of the next window
 * is held too, so a storm that lasts sends one summary a window, and the storm ends with the first
 * window that holds nothing. Only counts and a few titles are kept, so a storm costs no memory.
 */
import type { Notification, NotificationKind, Severity, StormSummary } from './notification.ts';

export interface StormLimits {
  readonly maxPerWindow: number;
  readonly windowMs: number;
  /** Titles a summary lists. */
  readonly summaryTitles: number;
}

export const DEFAULT_STORM_LIMITS: StormLimits = { maxPerWindow: 5, windowMs: 60_000, summaryTitles: 5 };

export type Admission =
  | { readonly action: 'send' }
  /** Close the window (closeWindow) at `summaryAtMs`; it may be past when a timer ran late. */
  | { readonly action: 'hold'; readonly summaryAtMs: number };

interface Held {
  count: number;
  severity: Severity;
  readonly byKind: Map<NotificationKind, number>;
  readonly firstTitles: string[];
  readonly first: Notification;
  lastAtMs: number;
}

export class StormLimiter {
  readonly #limits: StormLimits;
  /** When the current window ends; null before the first notification and after a quiet window. */
  #windowEndMs: number | null = null;
  #passed = 0;
  #storm = false;
  #held: Held | null = null;

  constructor(limits: StormLimits) {
    if (!(limits.maxPerWindow >= 1 && limits.windowMs > 0 && limits.summaryTitles >= 0))
      throw new RangeError('a storm limiter needs maxPerWindow ≥ 1, windowMs > 0 and summaryTitles ≥ 0');
    this.#limits = limits;
  }

  admit(notification: Notification, nowMs: number): Admission {
    // A window past its end that held nothing was quiet: the storm, if any, is over.
    if (this.#windowEndMs === null || (nowMs >= this.#windowEndMs && this.#held === null)) {
      this.#windowEndMs = nowMs + this.#limits.windowMs;
      this.#passed = 0;
      this.#storm = false;
    }
    if (!this.#storm && this.#passed < this.#limits.maxPerWindow) {
      this.#passed += 1;
      return { action: 'send' };
    }
    this.#hold(notification);
    return { action: 'hold', summaryAtMs: this.#windowEndMs };
  }

  /**
   * Closes the window now (its end has come, or the process is stopping): the summary of what it
   * held, or null. A window that held something is followed by a storm window from `nowMs`.
   */
  closeWindow(nowMs: number): StormSummary | null {
    const held = this.#held;
    if (held === null) {
      this.#windowEndMs = null;
      this.#storm = false;
      return null;
    }
    this.#held = null;
    this.#storm = true;
    this.#windowEndMs = nowMs + this.#limits.windowMs;
    this.#passed = 0;
    return {
      severity: held.severity,
      account: held.first.account,
      environment: held.first.environment,
      held: held.count,
      byKind: [...held.byKind]
        .map(([kind, count]) => ({ kind, count }))
        .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
      firstTitles: held.firstTitles,
      fromMs: held.first.atMs,
      toMs: held.lastAtMs,
    };
  }

  #hold(notification: Notification): void {
    const held = this.#held;
    if (held === null) {
      this.#held = {
        count: 1,
        severity: notification.severity,
        byKind: new Map([[notification.kind, 1]]),
        firstTitles: this.#limits.summaryTitles > 0 ? [notification.title] : [],
        first: notification,
        lastAtMs: notification.atMs,
      };
      return;
    }
    held.count += 1;
    if (notification.severity === 'P0') held.severity = 'P0';
    held.byKind.set(notification.kind, (held.byKind.get(notification.kind) ?? 0) + 1);
    if (held.firstTitles.length < this.#limits.summaryTitles) held.firstTitles.push(notification.title);
    held.lastAtMs = Math.max(held.lastAtMs, notification.atMs);
  }
}
