/**
 * Tells on-call what the restart's position check found: one error line per symbol whose stored
 * position differed from the broker's, and a gauge an alarm can watch. The engine has already
 * taken the broker's figures by then; the report is for finding out why the store disagreed.
 */
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { formatFixed } from '../../shared/domain/fixed.ts';
import {
  POSITION_DIFFERENCE_KINDS,
  type PositionDifference,
  type PositionDifferenceKind,
} from './restart-position-check.ts';

export class RestartPositionReport {
  readonly #log: Logger;
  readonly #differences: Gauge<'kind'>;

  constructor(registry: Registry, logger: Logger) {
    this.#log = logger;
    this.#differences = new Gauge({
      name: 'engine_restart_position_differences',
      help: "Symbols whose stored position differed from the broker's at the last restart, by kind (missing_at_broker, missing_in_store, qty_differs); the broker's figure was taken.",
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  report(differences: readonly PositionDifference[]): void {
    const byKind = new Map<PositionDifferenceKind, number>(
      POSITION_DIFFERENCE_KINDS.map((kind) => [kind, 0]),
    );
    for (const { symbol, kind, storedQty, brokerQty } of differences) {
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      this.#log.error(
        { symbol, kind, storedQty: formatFixed(storedQty), brokerQty: formatFixed(brokerQty) },
        `restart: stored position in ${symbol} is ${formatFixed(storedQty)}, the broker holds ${formatFixed(brokerQty)}; the broker's figure was taken`,
      );
    }
    for (const [kind, count] of byKind) this.#differences.set({ kind }, count);
    if (differences.length === 0) this.#log.info('restart: stored positions match the broker');
  }
}
