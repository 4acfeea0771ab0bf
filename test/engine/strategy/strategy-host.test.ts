import { describe, expect, it } from 'vitest';
import { type StrategyFailure, StrategyHost } from '../../../engine/strategy/strategy-host.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';
import type { Strategy } from '../../../shared/strategies/strategy.ts';
import { recordingContext } from '../../support/recording-context.ts';

const quote: Quote = { symbol: 'AAPL', bidPrice: 1, bidSize: 1, askPrice: 1.01, askSize: 1, timestampUs: 1 };

describe('Class: StrategyHost', () => {
  it('routes by symbol and disables a strategy that throws, leaving the others running', () => {
    const seen: string[] = [];
    const failures: StrategyFailure[] = [];
    const broken: Strategy = {
      id: 'broken',
      symbols: ['AAPL'],
      onQuote: () => {
        throw new Error('bug');
      },
    };
    const healthy: Strategy = {
      id: 'healthy',
      symbols: ['AAPL', 'MSFT'],
      onQuote: (q) => seen.push(q.symbol),
    };
    const host = new StrategyHost([broken, healthy], recordingContext(), (failure) => failures.push(failure));

    host.onQuote(quote);
    host.onQuote(quote);
    host.onQuote({ ...quote, symbol: 'MSFT' });
    host.onQuote({ ...quote, symbol: 'TSLA' });

    expect(seen).toStrictEqual(['AAPL', 'AAPL', 'MSFT']);
    expect(failures.map((f) => f.strategyId)).toStrictEqual(['broken']);
    expect(host.isEnabled('broken')).toBe(false);
    expect(host.failures).toBe(1);
    host.enable('broken');
    expect(host.isEnabled('broken')).toBe(true);
  });

  it('refuses two strategies with one id', () => {
    const a: Strategy = { id: 'same', symbols: [] };
    expect(() => new StrategyHost([a, a], recordingContext(), () => {})).toThrow(/share the id same/);
  });
});
