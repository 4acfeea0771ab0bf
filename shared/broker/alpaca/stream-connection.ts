/**
 * One connection to one of Alpaca's WebSocket streams, run on the shared state table
 * (stream-connection-states.ts): the socket, the reconnect backoff, the handshake deadline,
 * zombie detection (a ping every quarter of the silence limit; a socket from which nothing, not
 * even a pong, is heard for the limit is replaced), the staleness deadline for streams that
 * should never be quiet (market data), and the fault map (stream-connection-faults.ts).
 *
 * Each stream plugs in only its own protocol: what to send when, and how to read a frame. The
 * protocol reports progress (`advance`), data (`dataArrived`) and faults (`fault`).
 */
import WebSocket from 'ws';
import type { Logger } from '../../logging/logger.ts';
import { type Clock, systemClock } from '../../time/clock.ts';
import { systemTimers, type Timers } from '../../time/timers.ts';
import {
  type Disposition,
  dispositionOf,
  StreamFatalError,
  type StreamFault,
} from './stream-connection-faults.ts';
import {
  hasSocket,
  nextStreamState,
  type StreamEvent,
  type StreamState,
} from './stream-connection-states.ts';
import {
  type Backoff,
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
  SilenceDeadline,
} from './stream-connection-timers.ts';

/** What both stream clients accept to tune their connection. */
export interface StreamConnectionSettings {
  readonly clock?: Clock;
  readonly timers?: Timers;
  /** Returns [0, 1); injected so tests get fixed backoff delays. */
  readonly random?: () => number;
  readonly backoff?: Backoff;
  /** Added to the backoff when the server asks to be left alone (406 connection limit). */
  readonly connectionLimitDelayMs?: number;
  /** A socket from which nothing, not even a pong, is heard for this long is replaced. */
  readonly silenceTimeoutMs?: number;
  /** How often a ping goes out; a quarter of the silence limit by default. */
  readonly pingIntervalMs?: number;
  /** From opening the socket to ready. */
  readonly handshakeTimeoutMs?: number;
  /** Ready without data for this long is `stale`. Unset: quiet is normal (trade updates). */
  readonly staleAfterMs?: number;
  /** The stream stopped for good; `fatalError` says why. */
  readonly onFatal?: (error: StreamFatalError) => void;
  readonly logger?: Logger;
}

/** The stream's own protocol, driven by the connection. */
export interface StreamProtocol {
  /** Headers of the upgrade request (the market-data codec). */
  readonly upgradeHeaders?: Readonly<Record<string, string>>;
  /** The socket is open. */
  opened(): void;
  /** One frame of the current socket. */
  received(data: Buffer, isBinary: boolean): void;
}

export interface StreamConnectionOptions extends StreamConnectionSettings {
  /** Names the stream in reasons, logs and errors, e.g. 'market data'. */
  readonly stream: string;
  readonly url: string;
  readonly protocol: StreamProtocol;
  readonly onStateChange: (state: StreamState, previous: StreamState, reason: string) => void;
}

export class StreamConnection {
  readonly #options: StreamConnectionOptions;
  readonly #clock: Clock;
  readonly #timers: Timers;
  readonly #liveness: SilenceDeadline;
  readonly #data: SilenceDeadline | undefined;
  #state: StreamState = 'idle';
  #socket: WebSocket | undefined;
  #retryTimer: unknown;
  #handshakeTimer: unknown;
  #failedAttempts = 0;
  #slowRetry = false;
  /** When the frame being handled arrived: data in it counts as heard then. */
  #frameAtMs = 0;
  #fatalError: StreamFatalError | undefined;

  constructor(options: StreamConnectionOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#timers = options.timers ?? systemTimers;
    const silenceTimeoutMs = options.silenceTimeoutMs ?? 20_000;
    this.#liveness = new SilenceDeadline({
      timers: this.#timers,
      clock: this.#clock,
      limitMs: silenceTimeoutMs,
      tickMs: options.pingIntervalMs ?? silenceTimeoutMs / 4,
      onTick: () => {
        if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.ping();
      },
      onExpired: (silentMs) => this.fault({ kind: 'silent', silentMs, limitMs: silenceTimeoutMs }),
    });
    const staleAfterMs = options.staleAfterMs;
    this.#data =
      staleAfterMs === undefined
        ? undefined
        : new SilenceDeadline({
            timers: this.#timers,
            clock: this.#clock,
            limitMs: staleAfterMs,
            onExpired: (silentMs) => this.#apply('data_silent', `no data for ${silentMs} ms`),
          });
  }

  get state(): StreamState {
    return this.#state;
  }

  get fatalError(): StreamFatalError | undefined {
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

  /** Sends on the current socket, if it is open. */
  send(data: string | Uint8Array): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(data);
  }

  /** The handshake moved on. */
  advance(event: Extract<StreamEvent, 'connected' | 'authenticated' | 'subscribed'>, reason: string): void {
    this.#apply(event, reason);
  }

  /** The frame being handled carried data. Cheap: it runs for every data frame. */
  dataArrived(): void {
    this.#data?.heard(this.#frameAtMs);
    if (this.#state === 'stale') this.#apply('data_resumed', 'data again');
  }

  /** Something went wrong: resume, reconnect or stop for good, as the fault map says. */
  fault(fault: StreamFault): Disposition {
    const disposition = dispositionOf(this.#options.stream, fault);
    switch (disposition.action) {
      case 'resume':
        this.#options.logger?.warn(
          { stream: this.#options.stream, reason: disposition.reason },
          `${this.#options.stream} stream: carrying on`,
        );
        break;
      case 'reconnect':
        this.#slowRetry = disposition.slow;
        this.#apply('connection_lost', disposition.reason);
        this.#slowRetry = false;
        break;
      case 'fatal': {
        // Late news from a socket already given up on changes nothing.
        if (!hasSocket(this.#state)) break;
        const error = new StreamFatalError(this.#options.stream, disposition.code, disposition.reason);
        // Set first, so whoever hears of the state can read the reason.
        this.#fatalError = error;
        this.#apply('fatal_error', disposition.reason);
        this.#options.onFatal?.(error);
        break;
      }
    }
    return disposition;
  }

  /** Returns whether the event meant something in the current state. */
  #apply(event: StreamEvent, reason: string): boolean {
    const previous = this.#state;
    const next = nextStreamState(previous, event);
    if (next === undefined) return false;
    this.#state = next;
    switch (next) {
      case 'connecting':
        this.#connect();
        break;
      case 'ready':
        if (previous === 'subscribing') {
          this.#timers.clearTimeout(this.#handshakeTimer);
          this.#failedAttempts = 0;
        }
        if (previous !== 'ready') this.#data?.start();
        break;
      case 'reconnecting':
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
      const level =
        next === 'fatal' ? 'error' : next === 'reconnecting' || next === 'stale' ? 'warn' : 'info';
      this.#options.logger?.[level](
        { stream: this.#options.stream, state: next, previous, reason },
        `${this.#options.stream} stream state`,
      );
      this.#options.onStateChange(next, previous, reason);
    }
    return true;
  }

  #connect(): void {
    const { protocol, url } = this.#options;
    const socket = new WebSocket(url, {
      // Inflating every frame would cost CPU on the hot path; bandwidth is not the limit.
      perMessageDeflate: false,
      ...(protocol.upgradeHeaders === undefined ? {} : { headers: { ...protocol.upgradeHeaders } }),
    });
    this.#socket = socket;
    this.#liveness.start();
    const handshakeTimeoutMs = this.#options.handshakeTimeoutMs ?? 10_000;
    this.#handshakeTimer = this.#timers.setTimeout(() => {
      if (socket === this.#socket) this.fault({ kind: 'handshake_timeout', limitMs: handshakeTimeoutMs });
    }, handshakeTimeoutMs);
    socket.on('open', () => {
      if (socket === this.#socket) protocol.opened();
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (socket !== this.#socket) return;
      const nowMs = this.#clock.nowMs();
      this.#frameAtMs = nowMs;
      this.#liveness.heard(nowMs);
      protocol.received(toBuffer(data), isBinary);
    });
    socket.on('pong', () => {
      if (socket === this.#socket) this.#liveness.heard(this.#clock.nowMs());
    });
    socket.on('close', (code: number) => {
      if (socket === this.#socket) this.fault({ kind: 'closed', code });
    });
    socket.on('error', (error: Error) => {
      // 'close' follows and does the work; only the cause is worth keeping.
      if (socket === this.#socket)
        this.#options.logger?.warn(
          { stream: this.#options.stream, err: error.message },
          `${this.#options.stream} socket error`,
        );
    });
  }

  #dropSocket(): void {
    this.#liveness.stop();
    this.#data?.stop();
    this.#timers.clearTimeout(this.#handshakeTimer);
    const socket = this.#socket;
    if (socket === undefined) return;
    this.#socket = undefined;
    socket.terminate();
  }

  #scheduleRetry(): void {
    this.#failedAttempts++;
    const attempt = this.#failedAttempts;
    const slow = this.#slowRetry ? (this.#options.connectionLimitDelayMs ?? 60_000) : 0;
    const delayMs =
      reconnectDelayMs(
        this.#options.backoff ?? DEFAULT_RECONNECT_BACKOFF,
        attempt,
        this.#options.random ?? Math.random,
      ) + slow;
    this.#retryTimer = this.#timers.setTimeout(
      () => this.#apply('retry_due', `retry ${attempt} after ${delayMs} ms`),
      delayMs,
    );
  }
}

/** The face both stream clients show their owners; the connection does the work. */
export abstract class StreamClient {
  protected abstract readonly connection: StreamConnection;

  get state(): StreamState {
    return this.connection.state;
  }

  /** Why the stream stopped for good, once it is `fatal`. */
  get fatalError(): StreamFatalError | undefined {
    return this.connection.fatalError;
  }

  start(): void {
    this.connection.start();
  }

  /** Stops for good and closes the socket; resolves once it is closed. */
  stop(): Promise<void> {
    return this.connection.stop();
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}
