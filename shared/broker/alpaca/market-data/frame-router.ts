/**
 * One frame's path from bytes to consumers: decode and validate, count every message and every
 * rejection, measure feed lag, then hand control messages to the connection and data messages
 * to the listener. Separate from the socket so the benchmark `md.frame_to_book` runs exactly
 * this code. Each frame's whole synchronous handling — decode, and everything the listener does
 * with it before returning (books, risk, strategies, an order request handed to the router) — is
 * timed with performance.now() into the feed's hot-path histogram.
 */
import type { Logger } from '../../../logging/logger.ts';
import { type FeedMetrics, MessageKindIndex } from '../../../venue/feed-metrics.ts';
import type { MarketDataMessage } from '../../../venue/market-data-feed.ts';
import { msgpackFrameToJson } from './msgpack-frames.ts';
import { StreamDecoder } from './stream-decoder.ts';
import type { StreamControlMessage, StreamMessage } from './stream-messages.ts';

const QUOTE = MessageKindIndex.quote;
const TRADE = MessageKindIndex.trade;
const BAR = MessageKindIndex.bar;
const ORDERBOOK = MessageKindIndex.orderbook;
const STATUS = MessageKindIndex.status;
const LULD = MessageKindIndex.luld;
const CONTROL = MessageKindIndex.control;

export interface FrameRouterTargets {
  onControl(message: StreamControlMessage): void;
  /** The array is reused for the next frame: read it, do not keep it. */
  onData(messages: readonly MarketDataMessage[], receivedUs: number): void;
}

/** The stream's encoding, chosen by the client at the upgrade. */
export type FeedCodec = 'json' | 'msgpack';

export class FrameRouter {
  readonly #codec: FeedCodec;
  readonly #metrics: FeedMetrics;
  readonly #targets: FrameRouterTargets;
  readonly #logger: Logger | undefined;
  readonly #source: string;
  readonly #decoder = new StreamDecoder();
  readonly #messages: StreamMessage[] = [];
  readonly #data: MarketDataMessage[] = [];

  /** `source` names the feed in log lines. */
  constructor(
    source: string,
    codec: FeedCodec,
    metrics: FeedMetrics,
    targets: FrameRouterTargets,
    logger?: Logger,
  ) {
    this.#source = source;
    this.#codec = codec;
    this.#metrics = metrics;
    this.#targets = targets;
    this.#logger = logger;
  }

  route(frame: Uint8Array, isBinary: boolean, receivedUs: number): void {
    const startMs = performance.now();
    this.#route(frame, isBinary, receivedUs);
    this.#metrics.hotPath.record((performance.now() - startMs) * 1000);
  }

  #route(frame: Uint8Array, isBinary: boolean, receivedUs: number): void {
    const metrics = this.#metrics;
    let input: Uint8Array | string = frame;
    if (isBinary !== (this.#codec === 'msgpack')) {
      metrics.parseErrors++;
      this.#logger?.warn({ feed: this.#source }, `market-data frame rejected: not a ${this.#codec} frame`);
      return;
    }
    if (isBinary) {
      const transcoded = msgpackFrameToJson(frame);
      if (!transcoded.ok) {
        metrics.parseErrors++;
        this.#logger?.warn({ feed: this.#source, errors: [transcoded.reason] }, 'market-data input rejected');
        return;
      }
      input = transcoded.json;
    }
    const messages = this.#messages;
    clear(messages);
    const decoder = this.#decoder;
    decoder.decodeFrame(input, messages);
    if (decoder.errors.length > 0) {
      metrics.parseErrors += decoder.errors.length;
      this.#logger?.warn(
        { feed: this.#source, errors: decoder.errors.slice(0, 5) },
        'market-data input rejected',
      );
    }
    const counts = metrics.messages;
    if (decoder.ignored > 0) counts[MessageKindIndex.ignored]! += decoder.ignored;
    let controls = 0;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      // One case per kind, with the counter's slot as a constant: no lookup by the type's string.
      switch (message.type) {
        case 'quote':
          counts[QUOTE]!++;
          metrics.recordLag(receivedUs - message.timestampUs);
          break;
        case 'trade':
          counts[TRADE]!++;
          metrics.recordLag(receivedUs - message.timestampUs);
          break;
        case 'bar':
          counts[BAR]!++;
          break;
        case 'orderbook':
          counts[ORDERBOOK]!++;
          metrics.recordLag(receivedUs - message.timestampUs);
          break;
        case 'status':
          counts[STATUS]!++;
          metrics.recordLag(receivedUs - message.timestampUs);
          break;
        case 'luld':
          counts[LULD]!++;
          metrics.recordLag(receivedUs - message.timestampUs);
          break;
        default:
          counts[CONTROL]!++;
          controls++;
      }
    }
    if (controls === 0) {
      // Data only (nearly every frame): the decoder's array is the listener's, as it is.
      if (messages.length > 0) this.#targets.onData(messages as MarketDataMessage[], receivedUs);
      return;
    }
    const data = this.#data;
    clear(data);
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      if (message.type === 'success' || message.type === 'error' || message.type === 'subscription')
        this.#targets.onControl(message);
      else data.push(message);
    }
    if (data.length > 0) this.#targets.onData(data, receivedUs);
  }
}

/**
 * Empties a reused array. Not `length = 0`: that drops the array's backing store, so the next
 * push allocates a new one (measured: push after `length = 0` ~79 ns, after pop ~13 ns).
 */
function clear(array: unknown[]): void {
  while (array.length > 0) array.pop();
}
