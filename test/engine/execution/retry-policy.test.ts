import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY } from '../../../engine/execution/retry-policy.ts';

describe('Module: retry-policy', () => {
  it.each([
    [1, 200],
    [2, 400],
    [3, 800],
    [6, 5_000],
  ])('caps retry %i at %i ms and jitters below the cap', (retry, cap) => {
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0.999_999)).toBe(cap - 1);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0)).toBe(0);
    expect(backoffDelayMs(DEFAULT_RETRY_POLICY, retry, () => 0.5)).toBe(cap / 2);
  });
});
