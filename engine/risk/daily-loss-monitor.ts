/**
 * Daily P&L against the loss limit, and the run of losing trades. Runs per quote, so it stays in
 * float64: it decides when to trip and warn. What was realised today comes from the position book
 * (engine/portfolio), which keeps the exact figure; unrealised P&L is risk's, at live quotes.
 *
 * Daily P&L = realised today + (unrealised now − unrealised at the session start), which counts a
 * position held overnight from the previous session's last marks, the way a broker's day P&L does.
 */
import type { LossWarning } from './risk-events.ts';

export class DailyLossMonitor {
  readonly #limitUsd: number;
  readonly #warningFractions: readonly number[];
  readonly #publish: (event: LossWarning) => void;
  #unrealizedAtStart = 0;
  #warningsRaised = 0;
  #consecutiveLosses = 0;

  constructor(limitUsd: number, warningFractions: readonly number[], publish: (event: LossWarning) => void) {
    this.#limitUsd = limitUsd;
    this.#warningFractions = warningFractions;
    this.#publish = publish;
  }

  get consecutiveLosses(): number {
    return this.#consecutiveLosses;
  }

  startSession(unrealizedNow: number): void {
    this.#unrealizedAtStart = unrealizedNow;
    this.#warningsRaised = 0;
    this.#consecutiveLosses = 0;
  }

  /** A closed trade: a loss extends the run, a gain ends it. Returns the run's length. */
  onClosedTrade(pnlUsd: number): number {
    if (pnlUsd < 0) this.#consecutiveLosses++;
    else if (pnlUsd > 0) this.#consecutiveLosses = 0;
    return this.#consecutiveLosses;
  }

  dailyPnl(realizedTodayUsd: number, unrealizedNow: number): number {
    return realizedTodayUsd + unrealizedNow - this.#unrealizedAtStart;
  }

  /** Raises each warning level once per session; true when the loss has reached the limit. */
  evaluate(pnl: number, atMs: number): boolean {
    const loss = -pnl;
    while (
      this.#warningsRaised < this.#warningFractions.length &&
      loss >= this.#warningFractions[this.#warningsRaised]! * this.#limitUsd
    ) {
      const fraction = this.#warningFractions[this.#warningsRaised++]!;
      this.#publish({
        type: 'loss_warning',
        levelPct: Math.round(fraction * 1e6) / 1e4,
        dailyPnlUsd: pnl,
        limitUsd: this.#limitUsd,
        atMs,
      });
    }
    return loss >= this.#limitUsd;
  }
}
