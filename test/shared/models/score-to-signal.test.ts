import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalMapping } from '../../../shared/models/model-manifest.ts';
import { type ScoreKind, scoreToSignal } from '../../../shared/models/score-to-signal.ts';

const PROBABILITY: SignalMapping = { longAbove: 0.55, shortBelow: 0.45, fullLongAt: 0.75, fullShortAt: 0.25 };

describe('Function: scoreToSignal', () => {
  it.each([
    { score: 0.65, direction: 'long', strength: 0.5, confidence: 0.3 },
    { score: 0.9, direction: 'long', strength: 1, confidence: 0.8 },
    { score: 0.35, direction: 'short', strength: 0.5, confidence: 0.3 },
    { score: 0.5, direction: 'flat', strength: 0, confidence: 0 },
    { score: 0.55, direction: 'flat', strength: 0, confidence: 0.1 },
  ])('maps probability $score to $direction', ({ score, direction, strength, confidence }) => {
    const signal = scoreToSignal(score, PROBABILITY, 'probability');
    expect(signal.direction).toBe(direction);
    expect(signal.strength).toBeCloseTo(strength, 12);
    expect(signal.confidence).toBeCloseTo(confidence, 12);
    expect(signal.score).toBe(score);
  });

  it('gives a regression value its strength as confidence', () => {
    const mapping = { longAbove: 0.001, shortBelow: -0.001, fullLongAt: 0.003, fullShortAt: -0.003 };
    expect(scoreToSignal(-0.002, mapping, 'value')).toStrictEqual({
      direction: 'short',
      strength: 0.5,
      confidence: 0.5,
      score: -0.002,
    });
  });

  it('turns a NaN score into a flat signal with no confidence', () => {
    expect(scoreToSignal(Number.NaN, PROBABILITY, 'probability')).toStrictEqual({
      direction: 'flat',
      strength: 0,
      confidence: 0,
      score: Number.NaN,
    });
  });

  it('keeps strength and confidence in [0, 1], signals only past a threshold, and grows with the score', () => {
    const kinds: ScoreKind[] = ['probability', 'probability-difference', 'value'];
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...kinds),
        (a, b, kind) => {
          const low = Math.min(a, b);
          const high = Math.max(a, b);
          const first = scoreToSignal(low, PROBABILITY, kind);
          const second = scoreToSignal(high, PROBABILITY, kind);
          for (const signal of [first, second]) {
            expect(signal.strength).toBeGreaterThanOrEqual(0);
            expect(signal.strength).toBeLessThanOrEqual(1);
            expect(signal.confidence).toBeGreaterThanOrEqual(0);
            expect(signal.confidence).toBeLessThanOrEqual(1);
            const expected =
              signal.score > PROBABILITY.longAbove
                ? 'long'
                : signal.score < PROBABILITY.shortBelow
                  ? 'short'
                  : 'flat';
            expect(signal.direction).toBe(expected);
          }
          const signed = (s: typeof first) => (s.direction === 'short' ? -s.strength : s.strength);
          expect(signed(second)).toBeGreaterThanOrEqual(signed(first));
        },
      ),
    );
  });
});
