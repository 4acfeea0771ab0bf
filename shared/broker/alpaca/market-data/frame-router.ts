/**
 * One frame's path from bytes to consumers: decode and validate, count every message and every
 * rejection, measure feed lag, then hand control messages to the connection and data messages
 * to the listener. Separate from the socket so the benchmark `md.frame_to_book` runs exactly
 * this code.
 */
import type { Logger } from '../../../logging/logger.ts';
import { type FeedMetrics, MessageKindIndex } from '../../../venue/feed-metrics.ts';
import type { MarketDataMessage } from '../../../venue/market-data-feed.ts';
import { msgpackFrameToJson } from './msgpack-frames.ts';
import { StreamDecoder } from './stream-decoder.ts';
import type { StreamControlMessage, StreamMessage } from './stream-messages.ts';

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
    messages.length = 0;
    const decoder = this.#decoder;
    decoder.decodeFrame(input, messages);
    if (decoder.errors.length > 0) {
      metrics.parseErrors += decoder.errors.length;
      this.#logger?.warn(
        { feed: this.#source, errors: decoder.errors.slice(0, 5) },
        'market-data input rejected',
      );
    }
    if (decoder.ignored > 0) metrics.messages[MessageKindIndex.ignored]! += decoder.ignored;
    const data = this.#data;
    data.length = 0;
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i]!;
      switch (message.type) {
        case 'success':
        case 'error':
        case 'subscription':
          metrics.countMessage(MessageKindIndex.control);
          this.#targets.onControl(message);
          break;
        case 'bar':
          metrics.countMessage(MessageKindIndex.bar);
          data.push(message);
          break;
        default:
          metrics.countMessage(MessageKindIndex[message.type]);
          metrics.recordLag(receivedUs - message.timestampUs);
          data.push(message);
      }
    }
    if (data.length > 0) this.#targets.onData(data, receivedUs);
  }
}
