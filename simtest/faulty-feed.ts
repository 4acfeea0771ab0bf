/**
 * The market-data side's faults, between the in-process feed and the engine's listener (the same
 * MarketDataDispatch the live engine hangs on its feeds): the next N messages dropped, sent twice,
 * reversed, or held back for a while; and malformed frames, which go through the Alpaca adapter's
 * own frame router and decoder, as a broken frame off the socket would.
 */
import { FrameRouter } from '../shared/broker/alpaca/market-data/frame-router.ts';
import { formatRfc3339Us } from '../shared/broker/alpaca/market-data/rfc3339.ts';
import type { FeedMetrics } from '../shared/venue/feed-metrics.ts';
import type { MarketDataListener, MarketDataMessage } from '../shared/venue/market-data-feed.ts';
import type { Prng } from '../sim/market/prng.ts';
import type { EventLog } from './event-log.ts';

export type MarketDataFault = 'drop' | 'duplicate' | 'reorder' | 'delay';

export class FaultyFeedListener implements MarketDataListener {
  /** Data messages that came out of malformed frames: the decoder should let none through. */
  malformedDelivered = 0;

  readonly #inner: MarketDataListener;
  readonly #log: EventLog;
  readonly #nowMs: () => number;
  readonly #router: FrameRouter;
  #fault: MarketDataFault | null = null;
  #remaining = 0;
  #delayMs = 0;
  #held: MarketDataMessage[] = [];
  #delayed: { releaseAtMs: number; message: MarketDataMessage }[] = [];
  readonly #one: MarketDataMessage[] = [];

  constructor(inner: MarketDataListener, metrics: FeedMetrics, log: EventLog, nowMs: () => number) {
    this.#inner = inner;
    this.#log = log;
    this.#nowMs = nowMs;
    this.#router = new FrameRouter('simtest', 'json', metrics, {
      onControl: () => undefined,
      onData: (messages, receivedUs) => {
        this.malformedDelivered += messages.length;
        this.#inner.onData(messages, receivedUs);
      },
    });
  }

  arm(fault: MarketDataFault, count: number, delayMs: number): void {
    this.#log.add('fault', { fault: `market_data_${fault}`, count });
    this.#fault = fault;
    this.#remaining = count;
    this.#delayMs = delayMs;
  }

  onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    if (this.#fault === null) {
      this.#inner.onData(messages, receivedUs);
      return;
    }
    // The feed reuses its array: what is held must be its own copy.
    for (const message of messages) this.#faulted({ ...message }, receivedUs);
  }

  #faulted(message: MarketDataMessage, receivedUs: number): void {
    const fault = this.#fault;
    if (fault === null || this.#remaining <= 0) {
      this.#deliver(message, receivedUs);
      return;
    }
    this.#remaining--;
    switch (fault) {
      case 'drop':
        break;
      case 'duplicate':
        this.#deliver(message, receivedUs);
        this.#deliver(message, receivedUs);
        break;
      case 'reorder':
        this.#held.push(message);
        if (this.#remaining === 0) {
          const held = this.#held.reverse();
          this.#held = [];
          for (const reordered of held) this.#deliver(reordered, receivedUs);
        }
        break;
      case 'delay':
        this.#delayed.push({ releaseAtMs: this.#nowMs() + this.#delayMs, message });
        break;
    }
    if (this.#remaining === 0) this.#fault = null;
  }

  /** Delivers the delayed messages that are due (all of them when `all`), late and in their order. */
  release(all = false): void {
    if (all && this.#held.length > 0) {
      const held = this.#held;
      this.#held = [];
      this.#fault = null;
      for (const message of held) this.#deliver(message, this.#nowMs() * 1000);
    }
    if (this.#delayed.length === 0) return;
    const nowMs = this.#nowMs();
    const due = all ? this.#delayed : this.#delayed.filter((entry) => entry.releaseAtMs <= nowMs);
    if (due.length === 0) return;
    this.#delayed = all ? [] : this.#delayed.filter((entry) => entry.releaseAtMs > nowMs);
    for (const { message } of due) this.#deliver(message, nowMs * 1000);
  }

  /** Malformed frames for `symbol`, each broken in one of the ways a frame off the wire can be. */
  malformed(symbol: string, count: number, prng: Prng): void {
    const nowUs = this.#nowMs() * 1000;
    const time = formatRfc3339Us(nowUs);
    const frames = [
      // Cut off mid-frame.
      `[{"T":"q","S":"${symbol}","bp":100.01,"bs":3,"ap":10`,
      // A price as text.
      `[{"T":"q","S":"${symbol}","bx":"V","bp":"100.01","bs":3,"ax":"V","ap":100.03,"as":2,"c":["R"],"z":"C","t":"${time}"}]`,
      // No timestamp.
      `[{"T":"q","S":"${symbol}","bx":"V","bp":100.01,"bs":3,"ax":"V","ap":100.03,"as":2,"c":["R"],"z":"C"}]`,
      // A timestamp that is no time.
      `[{"T":"q","S":"${symbol}","bx":"V","bp":100.01,"bs":3,"ax":"V","ap":100.03,"as":2,"c":["R"],"z":"C","t":"yesterday"}]`,
      // Not an array of objects.
      `{"T":"q","S":"${symbol}"}`,
      // A trade without a price.
      `[{"T":"t","S":"${symbol}","i":1,"x":"V","s":5,"c":["@"],"z":"C","t":"${time}"}]`,
    ];
    this.#log.add('fault', { fault: 'malformed_frames', count, symbol });
    for (let i = 0; i < count; i++) {
      this.#router.route(Buffer.from(frames[prng.nextInt(frames.length)]!), false, nowUs);
    }
  }

  #deliver(message: MarketDataMessage, receivedUs: number): void {
    this.#one[0] = message;
    this.#inner.onData(this.#one, receivedUs);
  }
}
