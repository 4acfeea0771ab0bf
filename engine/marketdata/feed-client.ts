/**
 * The Alpaca market-data WebSocket client: connect, authenticate, subscribe, decode and validate
 * every frame, hand data messages on; reconnect with exponential backoff and jitter, slower after
 * a connection-limit error (406), never after a fatal one (402 and friends); replace a connection
 * that goes silent. States and transitions live in feed-state.ts; this file performs them.
 */
import WebSocket from 'ws';
import type { Logger } from '../../shared/logging/logger.ts';
import type { Clock } from '../../shared/time/clock.ts';
import { backoffDelayMs, type RetryPolicy } from '../execution/retry-policy.ts';
import type { FeedMetrics } from './feed-metrics.ts';
import { type FeedEvent, type FeedState, hasConnection, nextFeedState } from './feed-state.ts';
import { type FeedCodec, FrameRouter } from './frame-router.ts';
import { encodeMsgpackAction } from './msgpack-frames.ts';
import type { ErrorMessage, StreamControlMessage, StreamDataMessage } from './stream-messages.ts';

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

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A period without a connection: from the moment streaming stopped to the moment it resumed. */
export interface FeedGap {
  readonly startUs: number;
  readonly endUs: number;
}

export interface FeedListener {
  /** Valid data messages of one frame. The array is reused: read it, do not keep it. */
  onData(messages: readonly StreamDataMessage[], receivedUs: number): void;
  onStateChange?(state: FeedState, previous: FeedState, reason: string): void;
  /** Streaming resumed after a loss; data between the gap's ends was missed. */
  onResumed?(gap: FeedGap): void;
}

export interface FeedClientOptions {
  /** e.g. wss://stream.data.alpaca.markets/v2/iex, or the simulator's ws://127.0.0.1:PORT/v2/iex */
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly subscription: FeedSubscription;
  /** JSON (default: the fast path) or msgpack, as Alpaca's SDKs use. */
  readonly codec?: FeedCodec;
  readonly listener: FeedListener;
  readonly clock: Clock;
  readonly metrics: FeedMetrics;
  readonly logger?: Logger;
  readonly timers?: Timers;
  /** Returns [0, 1); injected so tests get fixed backoff delays. */
  readonly random?: () => number;
  readonly backoff?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Added to the backoff after error 406, so a second session elsewhere is not hammered. */
  readonly connectionLimitDelayMs?: number;
  /** A connection with no frame and no pong for this long is replaced. */
  readonly silenceTimeoutMs?: number;
}

/** Why the feed stopped for good. Carries Alpaca's code; never the credentials. */
export class FeedFatalError extends Error {
  override readonly name = 'FeedFatalError';
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Server errors that retrying cannot fix (the Go SDK treats 402, 409, 410, 411 the same way). */
const FATAL_CODES: Readonly<Record<number, string>> = {
  402: 'the market-data feed rejected the credentials (402 auth failed): check the key ID and secret key configured for this environment',
  405: 'the subscription exceeds the plan’s symbol limit (405): reduce the configured symbols',
  409: 'the account’s plan does not include this feed (409 insufficient subscription): use another feed (e.g. iex)',
  410: 'the feed does not offer a subscribed channel (410): check the configured channels for this feed',
  411: 'the OAuth token lacks the market-data scope (411)',
};
const CONNECTION_LIMIT = 406;

const DEFAULT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 30_000 };

export class FeedClient {
  readonly #options: FeedClientOptions;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #policy: RetryPolicy;
  readonly #silenceTimeoutMs: number;
  readonly #router: FrameRouter;
  readonly #codec: FeedCodec;
  #state: FeedState = 'idle';
  #socket: WebSocket | undefined;
  #retryTimer: unknown;
  #livenessTimer: unknown;
  #lastInboundMs = 0;
  #failedAttempts = 0;
  #lastErrorCode = 0;
  #gapStartUs: number | undefined;
  #fatalError: FeedFatalError | undefined;

  constructor(options: FeedClientOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#random = options.random ?? Math.random;
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#policy = { maxAttempts: Number.POSITIVE_INFINITY, ...backoff };
    this.#silenceTimeoutMs = options.silenceTimeoutMs ?? 20_000;
    this.#codec = options.codec ?? 'json';
    this.#router = new FrameRouter(
      options.url,
      this.#codec,
      options.metrics,
      {
        onControl: (message) => this.#onControl(message),
        onData: (messages, receivedUs) => {
          if (this.#state === 'streaming') options.listener.onData(messages, receivedUs);
        },
      },
      options.logger,
    );
  }

  get state(): FeedState {
    return this.#state;
  }

  get fatalError(): FeedFatalError | undefined {
    return this.#fatalError;
  }

  start(): void {
    this.#apply('start', 'started');
  }

  /** Stops for good and closes the socket; resolves once it is closed. */
  async stop(): Promise<void> {
    const socket = this.#socket;
    const closed =
      socket === undefined || socket.readyState === WebSocket.CLOSED
        ? undefined
        : new Promise<void>((resolve) => socket.once('close', () => resolve()));
    this.#apply('stop', 'stopped by the owner');
    await closed;
  }

  #apply(event: FeedEvent, reason: string): void {
    const previous = this.#state;
    const next = nextFeedState(previous, event);
    if (next === undefined) return;
    this.#state = next;
    if (previous === 'streaming' && next !== 'streaming') this.#gapStartUs ??= this.#options.clock.nowUs();
    switch (next) {
      case 'connecting':
        this.#connect();
        break;
      case 'streaming':
        if (previous !== 'streaming') this.#resumed();
        break;
      case 'backing_off':
        this.#dropSocket();
        this.#scheduleRetry();
        break;
      case 'stopped':
      case 'fatal':
        this.#dropSocket();
        this.#timers.clearTimeout(this.#retryTimer);
        break;
    }
    if (next !== previous) {
      const level = next === 'fatal' ? 'error' : next === 'backing_off' ? 'warn' : 'info';
      this.#options.logger?.[level](
        { feed: this.#options.url, state: next, previous, reason },
        'market-data feed state',
      );
      this.#options.listener.onStateChange?.(next, previous, reason);
    }
  }

  #connect(): void {
    const socket = new WebSocket(this.#options.url, {
      // Inflating every frame would cost CPU on the hot path; the feed's bandwidth is not the limit.
      perMessageDeflate: false,
      // Alpaca picks the codec from the upgrade request's Content-Type.
      headers: { 'Content-Type': this.#codec === 'msgpack' ? 'application/msgpack' : 'application/json' },
    });
    this.#socket = socket;
    this.#lastInboundMs = this.#options.clock.nowMs();
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (socket !== this.#socket) return;
      this.#lastInboundMs = this.#options.clock.nowMs();
      this.#router.route(data, isBinary, this.#options.clock.nowUs());
    });
    socket.on('pong', () => {
      if (socket === this.#socket) this.#lastInboundMs = this.#options.clock.nowMs();
    });
    socket.on('close', (code: number) => {
      if (socket === this.#socket) this.#apply('connection_lost', `socket closed (code ${code})`);
    });
    socket.on('error', (error: Error) => {
      // 'close' follows; only the cause is worth keeping.
      if (socket === this.#socket)
        this.#options.logger?.warn(
          { feed: this.#options.url, err: error.message },
          'market-data socket error',
        );
    });
    this.#armLiveness();
  }

  #armLiveness(): void {
    const interval = Math.max(10, this.#silenceTimeoutMs / 4);
    this.#livenessTimer = this.#timers.setTimeout(() => {
      const socket = this.#socket;
      if (socket === undefined || !hasConnection(this.#state)) return;
      const silentMs = this.#options.clock.nowMs() - this.#lastInboundMs;
      if (silentMs > this.#silenceTimeoutMs) {
        this.#apply('connection_lost', `silent for ${silentMs} ms (limit ${this.#silenceTimeoutMs} ms)`);
        return;
      }
      if (socket.readyState === WebSocket.OPEN) socket.ping();
      this.#armLiveness();
    }, interval);
  }

  #dropSocket(): void {
    this.#timers.clearTimeout(this.#livenessTimer);
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#socket = undefined;
    socket.terminate();
  }

  #scheduleRetry(): void {
    this.#failedAttempts++;
    const limited = this.#lastErrorCode === CONNECTION_LIMIT;
    const delayMs =
      backoffDelayMs(this.#policy, this.#failedAttempts, this.#random) +
      (limited ? (this.#options.connectionLimitDelayMs ?? 60_000) : 0);
    this.#lastErrorCode = 0;
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#options.metrics.reconnects++;
      this.#apply('retry_due', `retry ${this.#failedAttempts} after ${delayMs} ms`);
    }, delayMs);
  }

  #resumed(): void {
    this.#failedAttempts = 0;
    const startUs = this.#gapStartUs;
    if (startUs === undefined) return;
    this.#gapStartUs = undefined;
    const endUs = this.#options.clock.nowUs();
    this.#options.metrics.gapSeconds += (endUs - startUs) / 1e6;
    this.#options.listener.onResumed?.({ startUs, endUs });
  }

  #send(message: object): void {
    this.#socket?.send(this.#codec === 'msgpack' ? encodeMsgpackAction(message) : JSON.stringify(message));
  }

  #onControl(message: StreamControlMessage): void {
    if (message.type === 'success') {
      if (message.message === 'connected' && this.#state === 'connecting') {
        this.#apply('connected', 'server greeting');
        this.#send({ action: 'auth', key: this.#options.keyId, secret: this.#options.secretKey });
      } else if (message.message === 'authenticated') {
        this.#apply('authenticated', 'credentials accepted');
        if (this.#state === 'subscribing') this.#send({ action: 'subscribe', ...this.#options.subscription });
      }
    } else if (message.type === 'subscription') {
      this.#apply('subscribed', 'subscription confirmed');
    } else if (message.type === 'error') {
      this.#onServerError(message);
    }
  }

  #onServerError(error: ErrorMessage): void {
    const fatal = FATAL_CODES[error.code];
    if (fatal !== undefined) {
      this.#fatalError = new FeedFatalError(error.code, fatal);
      this.#apply('fatal_error', fatal);
      return;
    }
    this.#lastErrorCode = error.code;
    const reason = `server error ${error.code} ${error.message}`;
    this.#apply(error.code === CONNECTION_LIMIT ? 'connection_limit' : 'connection_lost', reason);
  }
}
