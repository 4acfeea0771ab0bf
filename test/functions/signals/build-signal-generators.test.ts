import { describe, expect, it } from 'vitest';
import { buildSignalGenerators } from '../../../functions/signals/build-signal-generators.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';

describe('Function: buildSignalGenerators', () => {
  it('builds no generator for the in-engine strategies (they trade on market data, not signals)', () => {
    expect(
      buildSignalGenerators(
        [
          {
            type: 'moving-average-cross',
            id: 'ma',
            fastPeriod: 5,
            slowPeriod: 20,
            entryNotionalUsd: parseFixed('2000'),
          },
          { type: 'mid-price-momentum', id: 'mom', period: 100, thresholdBps: 3, entryQty: parseFixed('10') },
        ],
        ['AAPL'],
      ),
    ).toStrictEqual([]);
  });
});
