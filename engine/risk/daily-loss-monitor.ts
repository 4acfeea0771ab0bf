/**
 * Daily P&L against the loss limit, and the run of losing trades. Runs per quote, so it stays in
 * float64: it decides when to trip and warn, while the exact ledger lives in the portfolio.
 *
 * Daily P&L = realised today + (unrealised now − unrealised at the session start), which counts a
 * position held overnight from the previous session's last marks, the way a broker's day P&L does.
 */
import type { LossWarning } from './risk-events.ts';

export class DailyLossMonitor {
  readonly #limitUsd: number;
  readonly #warningFractions: readonly number[];
  readonly #publish: (event: LossWarning) => void;
  #realizedToday = 0;
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
    this.#realizedToday = 0;
    this.#unrealizedAtStart = unrealizedNow;
    this.#warningsRaised = 0;
    this.#consecutiveLosses = 0;
  }

  addRealized(usd: number): void {
    this.#realizedToday += usd;
  }

  /** A closed trade: a loss extends the run, a gain ends it. Returns the run's length. */
  onClosedTrade(pnlUsd: number): number {
    if (pnlUsd < 0) this.#consecutiveLosses++;
    else if (pnlUsd > 0) this.#consecutiveLosses = 0;
    return this.#consecutiveLosses;
  }

  dailyPnl(unrealizedNow: number): number {
    return this.#realizedToday + unrealizedNow - this.#unrealizedAtStart;
  }

  /** Raises each warning level once per session; true when the loss has reached the limit. */
  evaluate(unrealizedNow: number, atMs: number): boolean {
    const pnl = this.dailyPnl(unrealizedNow);
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
