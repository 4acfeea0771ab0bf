/**
 * Wilder's smoothing (a "running moving average"), weight 1 / period, seeded with the simple
 * average of the first `period` inputs: what RSI, ATR and ADX average with.
 */
import { ExponentialAverage } from './exponential-average.ts';

export class WilderAverage extends ExponentialAverage {
  constructor(period: number) {
    super(period, 1 / period);
  }
}
