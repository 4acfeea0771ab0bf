/**
 * Moves a simulated venue's virtual clock to an instant: the market's events and the scheduled
 * work (order latency, expiries, auctions) run in time order on the way, so the same inputs give
 * the same fills however the time is stepped.
 */
import type { ManualClock } from '../shared/time/clock.ts';
import type { TaskScheduler } from './trading/task-scheduler.ts';

export interface AdvancingMarket {
  advanceTo(epochMs: number): void;
}

export function advanceVirtualTime(
  clock: ManualClock,
  scheduler: TaskScheduler,
  market: AdvancingMarket,
  epochMs: number,
): void {
  if (epochMs < clock.nowMs()) throw new RangeError('the clock never goes backwards');
  for (let due = scheduler.nextDueMs(); due !== undefined && due <= epochMs; due = scheduler.nextDueMs()) {
    const step = Math.max(due, clock.nowMs());
    market.advanceTo(step);
    clock.setMs(step);
    scheduler.runDue();
  }
  market.advanceTo(epochMs);
  clock.setMs(epochMs);
  scheduler.runDue();
}
