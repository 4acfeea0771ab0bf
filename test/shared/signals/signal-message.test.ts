import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSignalMessage, type Signal, signalId } from '../../../shared/signals/signal-message.ts';

const signal: Signal = {
  version: 1,
  signalId: 'trend:AAPL:1800000000000000',
  strategyId: 'trend',
  symbol: 'AAPL',
  barStartUs: 1_800_000_000_000_000,
  generatedAtMs: 1_800_000_000_100,
  direction: 'short',
  strength: 0.25,
  confidence: 0.75,
  referencePrice: 187.5,
  modelVersion: 'xgb-2026-11-30',
};

describe('Schema: signal message', () => {
  it('round-trips every valid signal through JSON unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({
          strategyId: fc.stringMatching(/^[a-z][a-z0-9-]{1,20}$/),
          symbol: fc.constantFrom('AAPL', 'BTC/USD', 'MSFT'),
          barStartUs: fc.nat({ max: 100_000_000 }).map((minute) => minute * 60_000_000),
          generatedAtMs: fc.nat(),
          direction: fc.constantFrom('long', 'short', 'flat'),
          strength: fc.double({ min: 0, max: 1, noNaN: true }),
          confidence: fc.double({ min: 0, max: 1, noNaN: true }),
          referencePrice: fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
          modelVersion: fc.string({ minLength: 1 }),
        }),
        (fields) => {
          const value: Signal = {
            version: 1,
            signalId: signalId(fields.strategyId, fields.symbol, fields.barStartUs),
            ...fields,
          };
          expect(parseSignalMessage(JSON.stringify(value))).toStrictEqual({ ok: true, value });
        },
      ),
    );
  });

  it.each([
    ['not JSON', '{', 'body is not JSON'],
    ['another version', { ...signal, version: 2 }, 'version'],
    ['strength above 1', { ...signal, strength: 1.5 }, 'strength'],
    ['a negative confidence', { ...signal, confidence: -0.1 }, 'confidence'],
    ['a zero reference price', { ...signal, referencePrice: 0 }, 'referencePrice'],
    ['an unknown direction', { ...signal, direction: 'up' }, 'direction'],
    ['a fractional bar start', { ...signal, barStartUs: 1.5 }, 'barStartUs'],
    ['an unknown field', { ...signal, extra: 1 }, 'extra'],
    ['an id its fields do not make', { ...signal, signalId: 'trend:AAPL:0' }, 'signalId: must be'],
  ])('rejects %s, naming the field', (_case, body, reason) => {
    const parsed = parseSignalMessage(typeof body === 'string' ? body : JSON.stringify(body));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});
