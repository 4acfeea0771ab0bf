/**
 * The strategies a backtest runs, by the name the command takes, with their parameters given as
 * `--param name=value` (or a sweep's grid point). Each is one of the engine's strategies, built by
 * the engine's own builder from an entry validated by the config's strategy schema, so a backtest
 * takes exactly what config/system.json would; `ma-cross` is the trend-following strategy with
 * simple averages under short parameter names (fast, slow, notional).
 */
import { resolve } from 'node:path';
import { buildStrategies } from '../engine/strategy/build-strategies.ts';
import type { StrategyModels } from '../shared/config/strategy-models.ts';
import { type StrategyConfig, strategyConfigSchema } from '../shared/config/system-schema.ts';
import { loadSignalModel } from '../shared/models/load-signal-model.ts';
import type { Strategy } from '../shared/strategies/strategy.ts';

export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

/** A bad strategy name or parameter: the message says which and why. */
export class StrategyParamsError extends Error {
  override readonly name = 'StrategyParamsError';
}

interface CatalogEntry {
  readonly type: StrategyConfig['type'];
  readonly describe: string;
  /** Parameter values used when not given. */
  readonly defaults: Params;
  /** A parameter's name on the command line → its name in the config entry (default: the same). */
  readonly renames?: Readonly<Record<string, string>>;
  /** Values that cannot be changed in a backtest. */
  readonly fixed?: Params;
}

const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  'ma-cross': {
    type: 'trend-following',
    describe: 'moving-average cross: long while the fast SMA of closes is above the slow one',
    defaults: { fast: 10, slow: 30, notional: 5_000 },
    renames: { fast: 'fastPeriod', slow: 'slowPeriod', notional: 'entryNotionalUsd' },
    fixed: { average: 'sma' },
  },
  'trend-following': {
    type: 'trend-following',
    describe:
      'trend following: SMA or EMA cross with an optional ATR trailing stop (atrStop.period, atrStop.multiple)',
    defaults: { fastPeriod: 10, slowPeriod: 30, entryNotionalUsd: 5_000 },
  },
  'mean-reversion': {
    type: 'mean-reversion',
    describe: 'mean reversion: buys below the lower Bollinger band while the RSI is oversold',
    defaults: { entryNotionalUsd: 5_000 },
  },
  'model-driven': {
    type: 'model-driven',
    describe: 'a model (manifest=FILE, docs/models.md) scoring every bar in the engine',
    defaults: { maxPositionNotionalUsd: 5_000 },
    fixed: { runsIn: 'engine' },
  },
};

export const BACKTEST_STRATEGIES: readonly string[] = Object.keys(CATALOG);

export interface BacktestStrategy {
  readonly strategy: Strategy;
  /** Every parameter as it applies, under the command line's names (defaults included). */
  readonly params: Params;
}

/** The id the strategy trades under in a backtest (orders, trades, the report). */
const STRATEGY_ID = 'backtest';

/**
 * Builds the named strategy for `symbols`. `baseDir`: what a model manifest's path is relative to
 * (the working directory on the command line).
 */
export function backtestStrategy(
  name: string,
  given: Params,
  symbols: readonly string[],
  baseDir: string,
): BacktestStrategy {
  const entry = CATALOG[name];
  if (entry === undefined) {
    throw new StrategyParamsError(
      `unknown strategy "${name}": choose one of ${BACKTEST_STRATEGIES.join(', ')}`,
    );
  }
  const fixed = entry.fixed ?? {};
  for (const key of Object.keys(given)) {
    if (key in fixed)
      throw new StrategyParamsError(`${name}: ${key} is fixed at ${String(fixed[key])} in a backtest`);
  }
  const params: Params = { ...entry.defaults, ...given };
  const raw: Record<string, unknown> = { type: entry.type, id: STRATEGY_ID, symbols: [...symbols] };
  for (const [key, value] of Object.entries({ ...params, ...fixed })) {
    setPath(raw, (entry.renames?.[key] ?? key).split('.'), value);
  }
  if (entry.type === 'model-driven' && typeof raw.manifest !== 'string') {
    throw new StrategyParamsError(`${name}: give the model's manifest with --param manifest=FILE`);
  }
  const parsed = strategyConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const shown =
        Object.entries(entry.renames ?? {}).find(([, configName]) => configName === path)?.[0] ?? path;
      return `${shown || 'parameters'}: ${issue.message}`;
    });
    throw new StrategyParamsError(`${name}: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  const models: StrategyModels =
    config.type === 'model-driven'
      ? new Map([[STRATEGY_ID, loadSignalModel(resolve(baseDir, config.manifest))]])
      : new Map();
  try {
    const [strategy] = buildStrategies([config], symbols, models);
    return { strategy: strategy!, params };
  } catch (error) {
    if (error instanceof RangeError) throw new StrategyParamsError(`${name}: ${error.message}`);
    throw error;
  }
}

/** `--param` text as a value: a number when it reads as one, true/false, else the text. */
export function paramValue(text: string): ParamValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}
