/**
 * The Alpaca market-data WebSocket client (https://docs.alpaca.markets/docs/streaming-market-data):
 * the protocol only — authenticate after the server's greeting, subscribe, decode and validate
 * every frame, hand data messages on. The connection (states, backoff, zombie detection, what is
 * fatal) is the shared stream-connection.ts, which also marks the feed `stale` when no data
 * arrives within `staleAfterMs`.
 *
 * A gap is the time without data: from the last data received before the feed stopped being
 * ready (lost, or stale) until it is ready again. It is counted in full and handed to the
 * listener, which backfills it. This is the adapter's side of the market-data port
 * (shared/venue/market-data-feed.ts): a MarketDataFeed that feeds a MarketDataListener.
 */

import type { Clock } from '../../../time/clock.ts';
import type { FeedMetrics } from '../../../venue/feed-metrics.ts';
import type {
  MarketDataFeed,
  MarketDataListener,
  MarketDataMessage,
} from '../../../venue/market-data-feed.ts';
import { StreamClient, StreamConnection, type StreamConnectionSettings } from '../stream-connection.ts';
import type { StreamState } from '../stream-connection-states.ts';
import { type FeedCodec, FrameRouter } from './frame-router.ts';
import { encodeMsgpackAction } from './msgpack-frames.ts';
import type { StreamControlMessage } from './stream-messages.ts';

/** Channel name → symbols, exactly as Alpaca's subscribe action takes them. */
export interface FeedSubscription {
  readonly trades?: readonly string[];
  readonly quotes?: readonly string[];
  readonly bars?: readonly string[];
  readonly updatedBars?: readonly string[];
  readonly dailyBars?: readonly string[];
  readonly statuses?: readonly string[];
  readonly lulds?: readonly string[];
  readonly orderbooks?: readonly string[];
}

export interface FeedClientOptions extends StreamConnectionSettings {
  /** e.g. wss://stream.data.alpaca.markets/v2/iex, or the simulator's ws://127.0.0.1:PORT/v2/iex */
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly subscription: FeedSubscription;
  /** JSON (default: the fast path) or msgpack, as Alpaca's SDKs use. */
  readonly codec?: FeedCodec;
  readonly listener: MarketDataListener;
  readonly clock: Clock;
  readonly metrics: FeedMetrics;
}

export class FeedClient extends StreamClient implements MarketDataFeed {
  protected readonly connection: StreamConnection;
  readonly #options: FeedClientOptions;
  readonly #router: FrameRouter;
  readonly #codec: FeedCodec;
  /** When data last arrived, or the feed last became ready: where a gap would start. */
  #lastDataUs = 0;
  #gapStartUs: number | undefined;

  constructor(options: FeedClientOptions) {
    super();
    this.#options = options;
    this.#codec = options.codec ?? 'json';
    const { url, keyId, secretKey, subscription, codec, listener, metrics, ...settings } = options;
    this.connection = new StreamConnection({
      ...settings,
      stream: 'market data',
      url,
      protocol: {
        // Alpaca picks the codec from the upgrade request's Content-Type.
        upgradeHeaders: {
          'Content-Type': this.#codec === 'msgpack' ? 'application/msgpack' : 'application/json',
        },
        // Credentials go after the server's greeting.
        opened: () => undefined,
        received: (data, isBinary) => this.#router.route(data, isBinary, options.clock.nowUs()),
      },
      onStateChange: (state, previous, reason) => this.#onStateChange(state, previous, reason),
    });
    this.#router = new FrameRouter(
      url,
      this.#codec,
      metrics,
      {
        onControl: (message) => this.#onControl(message),
        onData: (messages, receivedUs) => this.#onData(messages, receivedUs),
      },
      options.logger,
    );
  }

  #onData(messages: readonly MarketDataMessage[], receivedUs: number): void {
    // First, so that data ending a silence closes the gap before it is handed on.
    this.connection.dataArrived();
    this.#lastDataUs = receivedUs;
    if (this.connection.state === 'ready') this.#options.listener.onData(messages, receivedUs);
  }

  #onStateChange(state: StreamState, previous: StreamState, reason: string): void {
    if (previous === 'ready') this.#gapStartUs ??= this.#lastDataUs;
    if (previous === 'reconnecting' && state === 'connecting') this.#options.metrics.reconnects++;
    if (state === 'ready') this.#resumed();
    this.#options.listener.onStateChange?.(state, previous, reason);
  }

  #resumed(): void {
    const endUs = this.#options.clock.nowUs();
    this.#lastDataUs = endUs;
    const startUs = this.#gapStartUs;
    if (startUs === undefined) return;
    this.#gapStartUs = undefined;
    this.#options.metrics.gapSeconds += (endUs - startUs) / 1e6;
    this.#options.listener.onResumed?.({ startUs, endUs });
  }

  #send(message: object): void {
    this.connection.send(this.#codec === 'msgpack' ? encodeMsgpackAction(message) : JSON.stringify(message));
  }

  #onControl(message: StreamControlMessage): void {
    const state = this.connection.state;
    if (message.type === 'success') {
      if (message.message === 'connected' && state === 'connecting') {
        this.connection.advance('connected', 'server greeting');
        this.#send({ action: 'auth', key: this.#options.keyId, secret: this.#options.secretKey });
      } else if (message.message === 'authenticated' && state === 'authenticating') {
        this.connection.advance('authenticated', 'credentials accepted');
        this.#send({ action: 'subscribe', ...this.#options.subscription });
      }
    } else if (message.type === 'subscription') {
      this.connection.advance('subscribed', 'subscription confirmed');
    } else {
      this.connection.fault({ kind: 'server_error', code: message.code, message: message.message });
    }
  }
}
