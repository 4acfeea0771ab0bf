import { describe, expect, it } from 'vitest';
import { type StrategyFailure, StrategyHost } from '../../../engine/strategy/strategy-host.ts';
import type { Quote } from '../../../shared/domain/market-data.ts';
import type { Signal } from '../../../shared/signals/signal-message.ts';
import type { Strategy } from '../../../shared/strategies/strategy.ts';
import { recordingContext } from '../../support/recording-context.ts';
import { signalFollowingStrategy } from '../../support/signals/signal-following-strategy.ts';

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

describe('Method: StrategyHost.onSignal', () => {
  const signal: Signal = {
    version: 1,
    signalId: 'follower:AAPL:60000000',
    strategyId: 'follower',
    symbol: 'AAPL',
    barStartUs: 60_000_000,
    generatedAtMs: 1,
    direction: 'long',
    strength: 1,
    confidence: 1,
    referencePrice: 100,
    modelVersion: 'test',
  };

  it('hands a signal only to the strategy it names, and only for a symbol that strategy trades', () => {
    const follower = signalFollowingStrategy({ id: 'follower', symbols: ['AAPL'] });
    const other = signalFollowingStrategy({ id: 'other', symbols: ['AAPL'] });
    const context = recordingContext();
    const host = new StrategyHost([follower, other], context, () => {});

    expect(host.onSignal(signal)).toBe(true);
    expect(host.onSignal({ ...signal, symbol: 'MSFT', signalId: 'follower:MSFT:60000000' })).toBe(false);
    expect(host.onSignal({ ...signal, strategyId: 'nobody', signalId: 'nobody:AAPL:60000000' })).toBe(false);

    expect(follower.signals.map((s) => s.signalId)).toStrictEqual(['follower:AAPL:60000000']);
    expect(other.signals).toStrictEqual([]);
    expect(context.intents.map((i) => [i.intentId, i.side])).toStrictEqual([
      ['follower:AAPL:60000000', 'buy'],
    ]);
  });

  it('ignores a strategy without onSignal and contains one that throws, as onBar does', () => {
    const failures: StrategyFailure[] = [];
    const silent: Strategy = { id: 'silent', symbols: ['AAPL'] };
    const broken: Strategy = {
      id: 'broken',
      symbols: ['AAPL'],
      onSignal: () => {
        throw new Error('bug');
      },
    };
    const host = new StrategyHost([silent, broken], recordingContext(), (f) => failures.push(f));

    expect(host.onSignal({ ...signal, strategyId: 'silent', signalId: 'silent:AAPL:60000000' })).toBe(false);
    expect(host.onSignal({ ...signal, strategyId: 'broken', signalId: 'broken:AAPL:60000000' })).toBe(false);
    expect(host.onSignal({ ...signal, strategyId: 'broken', signalId: 'broken:AAPL:60000000' })).toBe(false);

    expect(failures.map((f) => f.strategyId)).toStrictEqual(['broken']);
    expect(host.isEnabled('broken')).toBe(false);
  });
});
