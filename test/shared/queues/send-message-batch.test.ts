import { describe, expect, it } from 'vitest';
import { chunks, SQS_MAX_BATCH_BYTES } from '../../../shared/queues/send-message-batch.ts';

describe('chunks', () => {
  it('puts at most ten bodies in a call', () => {
    expect(chunks(Array.from({ length: 23 }, () => 'x'))).toStrictEqual([
      [0, 10],
      [10, 20],
      [20, 23],
    ]);
  });

  it('keeps each call within SQS’s 256 KiB, counting bytes not characters', () => {
    const third = 'é'.repeat(Math.floor(SQS_MAX_BATCH_BYTES / 6)); // two bytes each: a third of the limit
    expect(chunks([third, third, third, third, 'x'])).toStrictEqual([
      [0, 3],
      [3, 5],
    ]);
  });

  it('sends a body too large on its own alone, for SQS to refuse it by itself', () => {
    const huge = 'x'.repeat(SQS_MAX_BATCH_BYTES + 1);
    expect(chunks(['a', huge, 'b'])).toStrictEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
  });

  it('sends nothing for no bodies', () => {
    expect(chunks([])).toStrictEqual([]);
  });
});
