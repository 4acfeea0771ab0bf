/**
 * Rules that relate one key to another, checked beside the schema so that every problem is
 * reported in one pass. The system rules read the raw (merged) object defensively, because they
 * must run even when an unrelated key failed the schema.
 */
import { formatFixed } from '../domain/fixed.ts';
import type { ConfigIssue } from './config-error.ts';
import type { RiskLimits } from './risk-schema.ts';
import { LIVE_TRADING_ACKNOWLEDGEMENT } from './system-schema.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const LIVE_TRADING_HOSTS = new Set(['api.alpaca.markets']);
const PAPER_TRADING_HOSTS = new Set(['paper-api.alpaca.markets']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const ENDPOINTS: readonly { path: string; secure: string; plain: string }[] = [
  { path: 'broker.tradingUrl', secure: 'https:', plain: 'http:' },
  { path: 'broker.dataUrl', secure: 'https:', plain: 'http:' },
  { path: 'broker.tradingStreamUrl', secure: 'wss:', plain: 'ws:' },
  { path: 'broker.marketDataStreamUrl', secure: 'wss:', plain: 'ws:' },
  { path: 'broker.cryptoDataStreamUrl', secure: 'wss:', plain: 'ws:' },
  { path: 'store.endpoint', secure: 'https:', plain: 'http:' },
  { path: 'signals.endpoint', secure: 'https:', plain: 'http:' },
];

function get(raw: unknown, path: string): unknown {
  let node = raw;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function parseUrl(value: unknown): URL | undefined {
  return typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
}

function systemRules(raw: unknown, sourceOf: (path: string) => string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report = (path: string, rule: string): void => {
    issues.push({ source: sourceOf(path), path, rule });
  };
  const environment = get(raw, 'environment');
  const paper = get(raw, 'account.paper');
  const acknowledgement = get(raw, 'account.liveTradingAcknowledgement');
  const venue = get(raw, 'broker.venue');

  if (paper === false && acknowledgement !== LIVE_TRADING_ACKNOWLEDGEMENT) {
    report(
      'account.liveTradingAcknowledgement',
      `paper: false trades real money; start-up refuses unless this key is exactly "${LIVE_TRADING_ACKNOWLEDGEMENT}"`,
    );
  }
  if (paper === true && acknowledgement !== undefined) {
    report(
      'account.liveTradingAcknowledgement',
      'only allowed with paper: false; a paper account with it is ambiguous',
    );
  }
  if (environment === 'development' && paper === false) {
    report('account.paper', 'the development environment trades paper only');
  }
  if (environment !== 'development' && get(raw, 'simulator') !== undefined) {
    report('simulator', 'the embedded simulator is for the development environment only');
  }
  if (environment === 'production' && venue === 'simulator') {
    report('broker.venue', 'production must trade at alpaca, not the simulator');
  }

  for (const { path, secure, plain } of ENDPOINTS) {
    const url = parseUrl(get(raw, path));
    if (url === undefined) continue;
    if (url.protocol !== secure && url.protocol !== plain) {
      report(
        path,
        `must use ${secure.slice(0, -1)} (or ${plain.slice(0, -1)} to loopback), not ${url.protocol.slice(0, -1)}`,
      );
    } else if (url.protocol === plain && environment === 'production') {
      report(path, `production endpoints must use ${secure.slice(0, -1)}`);
    } else if (url.protocol === plain && !isLoopbackHost(url.hostname)) {
      report(
        path,
        `plaintext ${plain.slice(0, -1)} is allowed only to loopback; use ${secure.slice(0, -1)} for ${url.hostname}`,
      );
    }
    if (venue === 'simulator' && path.startsWith('broker.') && !isLoopbackHost(url.hostname)) {
      report(path, 'the simulator venue is served on loopback only');
    }
    if (path === 'broker.tradingUrl' || path === 'broker.tradingStreamUrl') {
      if (paper === true && LIVE_TRADING_HOSTS.has(url.hostname)) {
        report(path, 'points at the live trading host but account.paper is true');
      }
      if (paper === false && PAPER_TRADING_HOSTS.has(url.hostname)) {
        report(path, 'points at the paper trading host but account.paper is false');
      }
    }
  }

  const barsQueue = get(raw, 'signals.barsQueue');
  if (barsQueue !== undefined && barsQueue === get(raw, 'signals.signalsQueue')) {
    report('signals.signalsQueue', 'must differ from signals.barsQueue');
  }

  const symbols = get(raw, 'marketData.symbols');
  if (Array.isArray(symbols)) {
    const seen = new Set<unknown>();
    symbols.forEach((symbol, index) => {
      if (seen.has(symbol))
        report(`marketData.symbols.${index}`, `duplicate symbol ${JSON.stringify(symbol)}`);
      seen.add(symbol);
    });
  }
  const strategies = get(raw, 'strategies');
  if (Array.isArray(strategies)) {
    const known = new Set(Array.isArray(symbols) ? symbols : []);
    const ids = new Set<unknown>();
    strategies.forEach((entry: unknown, index) => {
      const id = get(entry, 'id');
      if (ids.has(id)) report(`strategies.${index}.id`, `duplicate strategy id ${JSON.stringify(id)}`);
      ids.add(id);
      const fast = get(entry, 'fastPeriod');
      const slow = get(entry, 'slowPeriod');
      if (typeof fast === 'number' && typeof slow === 'number' && fast >= slow) {
        report(`strategies.${index}.fastPeriod`, `must be shorter than slowPeriod (${slow})`);
      }
      const runsIn = get(entry, 'runsIn') ?? 'signal-function';
      if (
        get(entry, 'type') === 'model-driven' &&
        runsIn === 'signal-function' &&
        get(raw, 'signals') === undefined
      ) {
        report(
          `strategies.${index}.runsIn`,
          'signal-function needs the signals section (its queues); without one, use runsIn "engine"',
        );
      }
      const own = get(entry, 'symbols');
      if (Array.isArray(own)) {
        own.forEach((symbol: unknown, position) => {
          if (!known.has(symbol)) {
            report(
              `strategies.${index}.symbols.${position}`,
              `${JSON.stringify(symbol)} is not in marketData.symbols`,
            );
          }
        });
      }
    });
  }
  return issues;
}

function riskRules(risk: RiskLimits, source: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { max_position_notional_usd: position, max_total_exposure_usd: total } = risk.limits;
  if (position > total) {
    issues.push({
      source,
      path: 'limits.max_position_notional_usd',
      rule: `${formatFixed(position)} is above limits.max_total_exposure_usd (${formatFixed(total)}); a single position can never exceed the total`,
    });
  }
  const { max_order_notional_usd: orderNotional } = risk.limits;
  if (orderNotional > position) {
    issues.push({
      source,
      path: 'limits.max_order_notional_usd',
      rule: `${formatFixed(orderNotional)} is above limits.max_position_notional_usd (${formatFixed(position)}); one order could never be filled in full`,
    });
  }
  return issues;
}

export const checkConsistency = { system: systemRules, risk: riskRules };
