import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSignalGenerators } from '../../../functions/signals/build-signal-generators.ts';
import { parseFixed } from '../../../shared/domain/fixed.ts';
import { loadSignalModel } from '../../../shared/models/load-signal-model.ts';
import { ModelSignalGenerator } from '../../../shared/signals/model-signal-generator.ts';

const model = loadSignalModel(
  join(import.meta.dirname, '../../../models/xgboost-direction-5m/manifest.json'),
);
const modelDriven = (id: string, runsIn: 'engine' | 'signal-function', symbols?: string[]) => ({
  type: 'model-driven' as const,
  id,
  manifest: 'models/xgboost-direction-5m/manifest.json',
  runsIn,
  minConfidence: 0,
  rebalanceFraction: 0.25,
  allowShort: false,
  maxPositionNotionalUsd: parseFixed('1000'),
  ...(symbols === undefined ? {} : { symbols }),
});

describe('Function: buildSignalGenerators', () => {
  it('builds no generator for the in-engine strategies (they trade on market data, not signals)', () => {
    expect(
      buildSignalGenerators(
        [
          {
            type: 'trend-following',
            id: 'trend',
            average: 'sma',
            fastPeriod: 5,
            slowPeriod: 20,
            entryNotionalUsd: parseFixed('2000'),
          },
          { type: 'mid-price-momentum', id: 'mom', period: 100, thresholdBps: 3, entryQty: parseFixed('10') },
          modelDriven('in-engine', 'engine'),
        ],
        ['AAPL'],
        new Map([['in-engine', model]]),
      ),
    ).toStrictEqual([]);
  });

  it('builds the model’s generator for a model-driven strategy the signal function serves', () => {
    const generators = buildSignalGenerators(
      [modelDriven('model', 'signal-function', ['MSFT']), modelDriven('all', 'signal-function')],
      ['AAPL', 'MSFT'],
      new Map([
        ['model', model],
        ['all', model],
      ]),
    );
    expect(generators.map((generator) => generator instanceof ModelSignalGenerator)).toStrictEqual([
      true,
      true,
    ]);
    expect(
      generators.map(({ strategyId, symbols, windowBars }) => [strategyId, symbols, windowBars]),
    ).toStrictEqual([
      ['model', ['MSFT'], 150],
      ['all', ['AAPL', 'MSFT'], 150],
    ]);
  });
});
