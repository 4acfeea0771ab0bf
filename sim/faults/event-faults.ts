/**
 * Scripted misbehaviour of the trade-updates stream's event delivery: delay the next N events,
 * send them twice, or hold a batch of N and release it in reverse order. Delays run on the
 * simulator's scheduler, so on a virtual clock they elapse with virtual time.
 */
import type { TaskScheduler } from '../trading/task-scheduler.ts';

export type EventFault =
  | { readonly kind: 'delay'; readonly ms: number; readonly count: number }
  | { readonly kind: 'duplicate'; readonly count: number }
  | { readonly kind: 'reorder'; readonly count: number };

export class EventFaultPipeline {
  readonly #scheduler: TaskScheduler;
  #fault: EventFault | undefined;
  #remaining = 0;
  #held: Buffer[] = [];

  constructor(scheduler: TaskScheduler) {
    this.#scheduler = scheduler;
  }

  arm(fault: EventFault): void {
    this.#fault = fault;
    this.#remaining = fault.count;
  }

  /** Disarms; frames held for reordering are delivered in order through `deliver`. */
  flush(deliver: (frame: Buffer) => void): void {
    const held = this.#held;
    this.#held = [];
    this.#fault = undefined;
    for (const frame of held) deliver(frame);
  }

  push(frame: Buffer, deliver: (frame: Buffer) => void): void {
    const fault = this.#fault;
    if (fault === undefined || this.#remaining <= 0) {
      deliver(frame);
      return;
    }
    this.#remaining--;
    if (this.#remaining === 0 && fault.kind !== 'reorder') this.#fault = undefined;
    switch (fault.kind) {
      case 'delay':
        this.#scheduler.after(fault.ms, () => deliver(frame));
        return;
      case 'duplicate':
        deliver(frame);
        deliver(frame);
        return;
      case 'reorder':
        this.#held.push(frame);
        if (this.#remaining === 0) {
          const held = this.#held.reverse();
          this.#held = [];
          this.#fault = undefined;
          for (const reordered of held) deliver(reordered);
        }
        return;
    }
  }
}
