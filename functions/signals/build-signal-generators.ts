/**
 * The signal function's generators, from the same strategies section of the config the engine
 * builds its strategies from, so a strategy that trades on signals and the generator that makes
 * them are configured once. A strategy type that trades on signals returns its generator here;
 * the in-engine types return none. The switch is exhaustive: a new type must say which it is.
 */
import { type StrategyModels, strategyModel } from '../../shared/config/strategy-models.ts';
import type { StrategyConfig } from '../../shared/config/system-schema.ts';
import type { BarWindowSignalGenerator } from '../../shared/signals/bar-window-signal-generator.ts';
import { ModelSignalGenerator } from '../../shared/signals/model-signal-generator.ts';

function generatorFor(
  config: StrategyConfig,
  symbols: readonly string[],
  models: StrategyModels,
): BarWindowSignalGenerator | null {
  switch (config.type) {
    case 'model-driven':
      return config.runsIn === 'signal-function'
        ? new ModelSignalGenerator(config.id, symbols, strategyModel(models, config.id))
        : null;
    case 'trend-following':
    case 'mean-reversion':
    case 'mid-price-momentum':
      return null;
    default:
      throw new Error(`unknown strategy type: ${(config satisfies never as StrategyConfig).type}`);
  }
}

export function buildSignalGenerators(
  configs: readonly StrategyConfig[],
  allSymbols: readonly string[],
  models: StrategyModels,
): BarWindowSignalGenerator[] {
  return configs.flatMap((config) => generatorFor(config, config.symbols ?? allSymbols, models) ?? []);
}
