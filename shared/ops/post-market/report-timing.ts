/**
 * Whether the post-market report runs now. Its schedule fires at 13:15 and 16:15 New York on
 * weekdays; the broker's calendar decides which of them reports: 15 minutes after today's close,
 * so a half day (13:00) reports at 13:15 and a full day at 16:15, and a day without a session
 * (weekend, holiday, one-off closure) never does.
 */
import type { CalendarDay } from '../../venue/venue-types.ts';

export const REPORT_DELAY_MINUTES = 15;

export type ReportTiming =
  | { readonly run: true; readonly session: CalendarDay }
  | { readonly run: false; readonly reason: string };

const HH_MM = /^(\d{2}):(\d{2})$/;

function minutesOf(time: string): number {
  const match = HH_MM.exec(time);
  if (match === null) throw new RangeError(`the broker's calendar gave a time that is not HH:MM: ${time}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** `calendar` is the broker's answer for `newYorkDate` alone; `minuteOfDay` is New York time now. */
export function reportTiming(
  newYorkDate: string,
  minuteOfDay: number,
  calendar: readonly CalendarDay[],
): ReportTiming {
  const session = calendar.find((day) => day.date === newYorkDate);
  if (session === undefined) {
    return { run: false, reason: `no trading session on ${newYorkDate} in the broker's calendar` };
  }
  const due = minutesOf(session.close) + REPORT_DELAY_MINUTES;
  if (minuteOfDay < due) {
    return {
      run: false,
      reason: `the market closes at ${session.close} on ${newYorkDate}; the report runs at ${timeOf(due)}`,
    };
  }
  return { run: true, session };
}
