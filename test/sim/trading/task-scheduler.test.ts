import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/time/clock.ts';
import { TaskScheduler } from '../../../sim/trading/task-scheduler.ts';

describe('Class: TaskScheduler (virtual time)', () => {
  it('runs due tasks earliest first, ties in scheduling order, whatever order they were scheduled in', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (times) => {
        const clock = new ManualClock(0);
        const scheduler = new TaskScheduler(clock, false);
        const ran: [number, number][] = [];
        times.forEach((atMs, seq) => {
          scheduler.schedule(atMs, () => ran.push([atMs, seq]));
        });
        clock.setMs(25);
        scheduler.runDue();
        const expected = times
          .map((atMs, seq): [number, number] => [atMs, seq])
          .filter(([atMs]) => atMs <= 25)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(ran).toStrictEqual(expected);
        expect(scheduler.nextDueMs()).toBe(times.filter((atMs) => atMs > 25).sort((a, b) => a - b)[0]);
      }),
    );
  });

  it('runs a task scheduled for now by a running task in the same pass', () => {
    const clock = new ManualClock(10);
    const scheduler = new TaskScheduler(clock, false);
    const ran: string[] = [];
    scheduler.schedule(10, () => {
      ran.push('first');
      scheduler.schedule(10, () => ran.push('chained'));
    });
    scheduler.schedule(20, () => ran.push('later'));
    scheduler.runDue();
    expect(ran).toStrictEqual(['first', 'chained']);
  });

  it('never runs a canceled task, and runs the rest in order, whatever is canceled when', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 50 }), canceled: fc.boolean() }), {
          maxLength: 200,
        }),
        (specs) => {
          const clock = new ManualClock(0);
          const scheduler = new TaskScheduler(clock, false);
          const ran: number[] = [];
          const handles = specs.map(({ atMs }, seq) => scheduler.schedule(atMs, () => ran.push(seq)));
          specs.forEach(({ canceled }, seq) => {
            if (canceled) scheduler.cancel(handles[seq]!);
          });
          // Canceling twice, or after the task ran, changes nothing.
          if (handles.length > 0) scheduler.cancel(handles[0]!);
          clock.setMs(50);
          scheduler.runDue();
          const expected = specs
            .map((spec, seq) => ({ ...spec, seq }))
            .filter((spec) => !spec.canceled && (spec.seq !== 0 || handles.length === 0))
            .sort((a, b) => a.atMs - b.atMs || a.seq - b.seq)
            .map((spec) => spec.seq);
          expect(ran).toStrictEqual(expected);
          expect(scheduler.nextDueMs()).toBeUndefined();
        },
      ),
    );
  });
});
