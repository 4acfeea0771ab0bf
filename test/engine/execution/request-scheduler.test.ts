import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RequestScheduler } from '../../../engine/execution/request-scheduler.ts';
import { TokenBucket } from '../../../engine/execution/token-bucket.ts';
import { systemClock } from '../../../shared/time/clock.ts';

describe('Class: RequestScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends cancels and exits before entries queued earlier once the budget runs out', async () => {
    const bucket = new TokenBucket(systemClock, { limitPerMinute: 10, urgentReserve: 0 });
    const scheduler = new RequestScheduler(bucket);
    const order: string[] = [];
    const task = (name: string) => () => {
      order.push(name);
      return Promise.resolve(name);
    };
    const all: Promise<string>[] = [];
    for (let i = 0; i < 12; i++) all.push(scheduler.run('entry', task(`entry-${i}`)));
    all.push(scheduler.run('cancel', task('cancel')));
    all.push(scheduler.run('exit', task('exit')));
    expect(order).toHaveLength(10);
    expect(scheduler.pending()).toStrictEqual({ cancel: 1, exit: 1, query: 0, entry: 2 });

    await vi.advanceTimersByTimeAsync(6_000);
    expect(order.slice(10)).toStrictEqual(['cancel']);
    await vi.advanceTimersByTimeAsync(18_000);
    expect(order.slice(10)).toStrictEqual(['cancel', 'exit', 'entry-10', 'entry-11']);
    await Promise.all(all);
    scheduler.close();
  });

  it('passes a task failure to the caller and keeps serving the queue', async () => {
    const scheduler = new RequestScheduler(new TokenBucket(systemClock, { limitPerMinute: 100 }));
    await expect(scheduler.run('query', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(scheduler.run('query', () => Promise.resolve(2))).resolves.toBe(2);
    scheduler.close();
  });

  it('fails a task that throws when its wait for the budget ends, and serves the rest of the queue', async () => {
    const bucket = new TokenBucket(systemClock, { limitPerMinute: 1, urgentReserve: 0 });
    const scheduler = new RequestScheduler(bucket);
    await scheduler.run('entry', () => Promise.resolve('first'));
    // Queued behind the empty budget; by the time a token comes, the send guard refuses.
    const refused = scheduler.run('entry', () => {
      throw new Error('the engine lease is not held');
    });
    const next = scheduler.run('entry', () => Promise.resolve('next'));
    const outcome = expect(refused).rejects.toThrow('the engine lease is not held');
    await vi.advanceTimersByTimeAsync(120_000);
    await outcome;
    await expect(next).resolves.toBe('next');
    scheduler.close();
  });
});
