/**
 * Exponential moving average, weight 2 / (period + 1), seeded with the simple average of the
 * first `period` inputs; ready from the period-th input. trading-signals' EMA seeds with the first
 * input instead and so differs early on; the two converge as the seed's weight decays.
 */
import { ExponentialAverage } from './exponential-average.ts';

export class EMA extends ExponentialAverage {
  constructor(period: number) {
    super(period, 2 / (period + 1));
  }
}
