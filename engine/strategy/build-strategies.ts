/** Turns the validated strategies section of the config into running strategy objects. */
import type { StrategyConfig } from '../../shared/config/system-schema.ts';
import { MeanReversion } from '../../shared/strategies/mean-reversion.ts';
import { MidPriceMomentum } from '../../shared/strategies/mid-price-momentum.ts';
import type { Strategy } from '../../shared/strategies/strategy.ts';
import { TrendFollowing } from '../../shared/strategies/trend-following.ts';

export function buildStrategies(
  configs: readonly StrategyConfig[],
  allSymbols: readonly string[],
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
      default:
        throw new Error(`unknown strategy type: ${(config satisfies never as StrategyConfig).type}`);
    }
  });
}
