/** Turns the validated strategies section of the config into running strategy objects. */
import { type StrategyModels, strategyModel } from '../../shared/config/strategy-models.ts';
import type { StrategyConfig } from '../../shared/config/system-schema.ts';
import { MeanReversion } from '../../shared/strategies/mean-reversion.ts';
import { MidPriceMomentum } from '../../shared/strategies/mid-price-momentum.ts';
import { ModelDriven } from '../../shared/strategies/model-driven.ts';
import type { Strategy } from '../../shared/strategies/strategy.ts';
import { TrendFollowing } from '../../shared/strategies/trend-following.ts';

export function buildStrategies(
  configs: readonly StrategyConfig[],
  allSymbols: readonly string[],
  models: StrategyModels,
): Strategy[] {
  return configs.map((config) => {
    const symbols = config.symbols ?? allSymbols;
    switch (config.type) {
      case 'trend-following':
        return new TrendFollowing({
          id: config.id,
          symbols,
          average: config.average,
          fastPeriod: config.fastPeriod,
          slowPeriod: config.slowPeriod,
          entryNotional: config.entryNotionalUsd,
          ...(config.atrStop === undefined ? {} : { atrStop: config.atrStop }),
        });
      case 'mean-reversion':
        return new MeanReversion({
          id: config.id,
          symbols,
          bandPeriod: config.bandPeriod,
          bandWidth: config.bandWidth,
          rsiPeriod: config.rsiPeriod,
          oversold: config.oversold,
          entryNotional: config.entryNotionalUsd,
        });
      case 'mid-price-momentum':
        return new MidPriceMomentum({
          id: config.id,
          symbols,
          period: config.period,
          threshold: config.thresholdBps / 10_000,
          entryQty: config.entryQty,
          ...(config.takeProfitBps === undefined ? {} : { takeProfit: config.takeProfitBps / 10_000 }),
        });
      case 'model-driven':
        return new ModelDriven({
          id: config.id,
          symbols,
          model: strategyModel(models, config.id),
          runsIn: config.runsIn,
          maxPositionNotional: config.maxPositionNotionalUsd,
          minConfidence: config.minConfidence,
          rebalanceFraction: config.rebalanceFraction,
          allowShort: config.allowShort,
        });
      default:
        throw new Error(`unknown strategy type: ${(config satisfies never as StrategyConfig).type}`);
    }
  });
}
