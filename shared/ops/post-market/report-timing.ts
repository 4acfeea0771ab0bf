/**
 * Whether the post-market report runs now. Its schedule fires at 13:15 and 16:15 New York on
 * weekdays; the broker's calendar decides which of them reports: 15 minutes after today's close,
 * so a half day (13:00) reports at 13:15 and a full day at 16:15, and a day without a session
 * (weekend, holiday, one-off closure) never does. Asked for on demand, it reports a session day
 * at once: the day so far.
 */

import { newYorkWallTime } from '../../time/new-york-time.ts';
import type { CalendarDay } from '../../venue/venue-types.ts';
import { sessionOn } from '../trading-day.ts';

export const REPORT_DELAY_MS = 15 * 60_000;

export type ReportTiming =
  | { readonly run: true; readonly session: CalendarDay }
  | { readonly run: false; readonly reason: string };

/** `calendar` is the broker's answer for `newYorkDate`; `onDemand` reports before the close too. */
export function reportTiming(
  newYorkDate: string,
  nowMs: number,
  calendar: readonly CalendarDay[],
  onDemand = false,
): ReportTiming {
  const session = sessionOn(newYorkDate, calendar);
  if (session === null) {
    return { run: false, reason: `no trading session on ${newYorkDate} in the broker's calendar` };
  }
  const dueMs = session.closeMs + REPORT_DELAY_MS;
  if (nowMs < dueMs && !onDemand) {
    const due = newYorkWallTime(dueMs);
    const at = `${String(Math.floor(due.minuteOfDay / 60)).padStart(2, '0')}:${String(due.minuteOfDay % 60).padStart(2, '0')}`;
    return {
      run: false,
      reason: `the market closes at ${session.close} on ${newYorkDate}; the report runs at ${at}${due.date === newYorkDate ? '' : ` on ${due.date}`}`,
    };
  }
  return { run: true, session: { date: session.date, open: session.open, close: session.close } };
}
