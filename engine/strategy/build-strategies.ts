/** Turns the validated strategies section of the config into running strategy objects. */
import type { StrategyConfig } from '../../shared/config/system-schema.ts';
import { MidPriceMomentum } from '../../shared/strategies/mid-price-momentum.ts';
import { MovingAverageCross } from '../../shared/strategies/moving-average-cross.ts';
import type { Strategy } from '../../shared/strategies/strategy.ts';

export function buildStrategies(
  configs: readonly StrategyConfig[],
  allSymbols: readonly string[],
): Strategy[] {
  return configs.map((config) => {
    const symbols = config.symbols ?? allSymbols;
    switch (config.type) {
      case 'moving-average-cross':
        return new MovingAverageCross({
          id: config.id,
          symbols,
          fastPeriod: config.fastPeriod,
          slowPeriod: config.slowPeriod,
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
