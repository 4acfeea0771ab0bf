/**
 * The risk manager's state as Prometheus gauges, read at scrape time so the hot path pays
 * nothing: the breaker's state (what on-call alarms on), whether the engine has reconciled with
 * the broker, and the day's P&L and gross exposure against their limits.
 */
import { Gauge, type Registry } from 'prom-client';
import { formatFixed } from '../../shared/domain/fixed.ts';
import type { BreakerState } from '../risk/risk-events.ts';
import type { RiskManager } from '../risk/risk-manager.ts';

const BREAKER_STATES: readonly BreakerState[] = ['normal', 'reducing', 'halted'];

export function registerRiskMetrics(registry: Registry, risk: RiskManager): void {
  const registers = [registry];
  new Gauge({
    name: 'risk_circuit_breaker_state',
    help: "One for the circuit breaker's current state, zero for the others: normal; reducing (only orders that reduce a position); halted (only risk's own stop and kill-switch exits).",
    labelNames: ['state'],
    registers,
    collect() {
      const current = risk.snapshot().breaker;
      for (const state of BREAKER_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'risk_reconciled',
    help: 'One once the engine has reconciled with the broker; new entries are refused while zero.',
    registers,
    collect() {
      this.set(risk.snapshot().reconciled ? 1 : 0);
    },
  });
  new Gauge({
    name: 'risk_daily_pnl_usd',
    help: 'Realized plus unrealized P&L since the session start, in dollars, as the daily loss limit sees it.',
    registers,
    collect() {
      this.set(risk.snapshot().dailyPnlUsd);
    },
  });
  new Gauge({
    name: 'risk_gross_exposure_usd',
    help: 'Gross exposure in dollars, as the exposure limit sees it.',
    registers,
    collect() {
      this.set(Number(formatFixed(risk.snapshot().grossExposure)));
    },
  });
}
