/**
 * The session's daily P&L sampled for the dashboard's equity chart: at most one point per
 * interval, a new session starts a new curve, and a full day fits in a fixed number of points.
 */
import type { Fixed } from '../../shared/domain/fixed.ts';

export interface PnlPoint {
  readonly atMs: number;
  readonly daily: Fixed;
}

const EVERY_MS = 10_000;
// 24 hours at one point per 10 s: crypto trades all day.
const MAX_POINTS = 8_640;

export class IntradayPnl {
  readonly #points: PnlPoint[] = [];
  #sessionDate = '';

  sample(atMs: number, sessionDate: string, daily: Fixed): void {
    if (sessionDate !== this.#sessionDate) {
      this.#sessionDate = sessionDate;
      this.#points.length = 0;
    }
    const last = this.#points.at(-1);
    if (last !== undefined && atMs - last.atMs < EVERY_MS) return;
    this.#points.push({ atMs, daily });
    if (this.#points.length > MAX_POINTS) this.#points.shift();
  }

  /**
   * Oldest first; with `maxPoints`, every nth point so that at most that many remain, the latest
   * always among them (the event stream sends the curve every second and must stay small).
   */
  points(maxPoints = Number.POSITIVE_INFINITY): readonly PnlPoint[] {
    const count = this.#points.length;
    if (count <= maxPoints) return this.#points;
    const step = Math.ceil(count / maxPoints);
    const thinned: PnlPoint[] = [];
    for (let index = (count - 1) % step; index < count; index += step) thinned.push(this.#points[index]!);
    return thinned;
  }
}
