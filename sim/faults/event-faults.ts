/**
 * Scripted misbehaviour of the trade-updates stream's event delivery: delay the next N events,
 * send them twice, or hold a batch of N and release it in reverse order. Delays run on the
 * simulator's scheduler, so on a virtual clock they elapse with virtual time.
 */
/** What runs a delayed delivery: the simulator's TaskScheduler, or any timer on virtual time. */
export interface DelayScheduler {
  after(delayMs: number, run: () => void): unknown;
}

export type EventFault =
  | { readonly kind: 'delay'; readonly ms: number; readonly count: number }
  | { readonly kind: 'duplicate'; readonly count: number }
  | { readonly kind: 'reorder'; readonly count: number };

/** `Frame` is what is delivered: the stream's encoded frames, or an in-process venue's events. */
export class EventFaultPipeline<Frame = Buffer> {
  readonly #scheduler: DelayScheduler;
  #fault: EventFault | undefined;
  #remaining = 0;
  #held: Frame[] = [];

  constructor(scheduler: DelayScheduler) {
    this.#scheduler = scheduler;
  }

  arm(fault: EventFault): void {
    this.#fault = fault;
    this.#remaining = fault.count;
  }

  /** Disarms; frames held for reordering are delivered in order through `deliver`. */
  flush(deliver: (frame: Frame) => void): void {
    const held = this.#held;
    this.#held = [];
    this.#fault = undefined;
    for (const frame of held) deliver(frame);
  }

  push(frame: Frame, deliver: (frame: Frame) => void): void {
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
