/**
 * Day trades in the last five business days, for FINRA's pattern-day-trader rule: opening and
 * closing the same symbol in the same session is a day trade. Counted from our own fills and
 * combined with the broker's daytrade_count when it sends one (Alpaca stopped sending it on live
 * accounts, so absent is unknown, not zero).
 */
import type { TradingCalendar } from '../../shared/time/trading-calendar.ts';

/** FINRA 4210: the fourth day trade within five business days makes a pattern day trader. */
export const PATTERN_DAY_TRADE_LIMIT = 4;
const BUSINESS_DAYS = 5;

export class DayTradeCounter {
  /** Session dates of our day trades, oldest first. */
  readonly #days: string[] = [];
  #sessionDate = '';
  #windowStart = '';
  readonly #openedToday = new Set<string>();
  readonly #countedOrders = new Set<string>();
  #brokerCount: number | null = null;
  #sinceBrokerCount = 0;

  /** Business days are the calendar's trading days, so a closure is not one of the five. */
  startSession(sessionDate: string, calendar: TradingCalendar): void {
    this.#name(sessionDate, calendar);
    while (this.#days.length > 0 && this.#days[0]! < this.#windowStart) this.#days.shift();
    this.#openedToday.clear();
    this.#countedOrders.clear();
  }

  /**
   * The session under way turned out to be another date's (the calendar changed, e.g. today is a
   * closure and belongs to the next trading day): the same session, so nothing opened in it is
   * forgotten; its day trades move to the new date.
   */
  renameSession(sessionDate: string, calendar: TradingCalendar): void {
    for (let i = this.#days.length - 1; i >= 0 && this.#days[i] === this.#sessionDate; i--)
      this.#days[i] = sessionDate;
    this.#name(sessionDate, calendar);
  }

  /** The broker's count as of now; our own day trades after this add to it. */
  setBrokerCount(count: number | null): void {
    this.#brokerCount = count;
    this.#sinceBrokerCount = 0;
  }

  /**
   * One fill's effect: opening or adding marks the symbol opened today; reducing a symbol opened
   * today is a day trade, counted once per closing order.
   */
  onFill(symbol: string, clientOrderId: string, qtyBefore: bigint, qtyAfter: bigint): void {
    const magnitudeBefore = qtyBefore < 0n ? -qtyBefore : qtyBefore;
    const flipped = qtyBefore !== 0n && qtyAfter !== 0n && qtyAfter > 0n !== qtyBefore > 0n;
    const reduced = flipped || (qtyAfter < 0n ? -qtyAfter : qtyAfter) < magnitudeBefore;
    if (reduced && this.#openedToday.has(symbol) && !this.#countedOrders.has(clientOrderId)) {
      this.#countedOrders.add(clientOrderId);
      this.#days.push(this.#sessionDate);
      this.#sinceBrokerCount++;
    }
    if (!reduced || flipped) this.#openedToday.add(symbol);
  }

  #name(sessionDate: string, calendar: TradingCalendar): void {
    this.#sessionDate = sessionDate;
    let start = sessionDate;
    for (let day = 1; day < BUSINESS_DAYS; day++) start = calendar.previousTradingDay(start);
    this.#windowStart = start;
  }

  /** Day trades within the five business days ending today, as best known. */
  count(): number {
    let own = 0;
    for (const day of this.#days) if (day >= this.#windowStart) own++;
    if (this.#brokerCount === null) return own;
    return Math.max(own, this.#brokerCount + this.#sinceBrokerCount);
  }
}
