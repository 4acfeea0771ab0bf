/**
 * How a model's score becomes a signal (docs/models.md): the direction from two thresholds, the
 * strength from how far past its threshold the score lies, the confidence from the model's
 * probabilities where it has them.
 */
import type { Direction, SignalMapping } from './model-manifest.ts';

export interface ModelSignal {
  direction: Direction;
  /** 0 at the direction's threshold, 1 at its full-strength score and beyond; 0 when flat. */
  strength: number;
  /** |P(long) − P(short)| for probability scores; the strength for regression values. */
  confidence: number;
  score: number;
}

/**
 * - `probability`: the score is P(up) (binary:logistic, logistic regression); P(down) = 1 − P(up).
 * - `probability-difference`: the score is P(long classes) − P(short classes) (multi:softprob).
 * - `value`: a regression output with no probability attached.
 */
export type ScoreKind = 'probability' | 'probability-difference' | 'value';

export const SCORE_RANGE: Readonly<Record<ScoreKind, readonly [number, number]>> = {
  probability: [0, 1],
  'probability-difference': [-1, 1],
  value: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
};

export function scoreToSignal(score: number, mapping: SignalMapping, kind: ScoreKind): ModelSignal {
  let direction: Direction = 'flat';
  let strength = 0;
  if (score > mapping.longAbove) {
    direction = 'long';
    strength = clampUnit((score - mapping.longAbove) / (mapping.fullLongAt - mapping.longAbove));
  } else if (score < mapping.shortBelow) {
    direction = 'short';
    strength = clampUnit((mapping.shortBelow - score) / (mapping.shortBelow - mapping.fullShortAt));
  }
  // A NaN score (a missing feature in a model that cannot take one) fails every comparison: flat.
  const confidence = Number.isNaN(score)
    ? 0
    : kind === 'probability'
      ? Math.abs(2 * score - 1)
      : kind === 'probability-difference'
        ? Math.min(1, Math.abs(score))
        : strength;
  return { direction, strength, confidence, score };
}

function clampUnit(x: number): number {
  return Math.min(1, Math.max(0, x));
}
