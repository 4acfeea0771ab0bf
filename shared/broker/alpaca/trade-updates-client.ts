/**
 * Alpaca's trade_updates stream (docs/alpaca-protocol.md §3) as an explicit connection state
 * machine: idle → connecting → authenticating → subscribing → ready, and on any loss
 * reconnecting (backoff with jitter) → connecting … until stopped (closed).
 *
 * The state is public because trading depends on it: while the stream is not `ready` fills may
 * go unseen, so the router sends no new entries, and every time it becomes ready again the
 * router closes the gap from REST before trading resumes (Alpaca does not replay missed events).
 * A socket that stops answering pings is a lost connection, not a quiet one.
 */
import WebSocket from 'ws';
import type { TradeUpdate } from './trade-updates-client-types.ts';
import { parseStreamMessage } from './trade-updates-client-wire.ts';
import type { TradingCredentials } from './trading-client.ts';

export const STREAM_STATES = [
  'idle',
  'connecting',
  'authenticating',
  'subscribing',
  'ready',
  'reconnecting',
  'closed',
] as const;
export type StreamState = (typeof STREAM_STATES)[number];

/** `authenticate` {key_id, secret_key} (SDKs) or `auth` {key, secret} (current docs). */
export type StreamAuthForm = 'authenticate' | 'auth';

export interface TradeUpdatesClientOptions {
  /** ws(s)://host/stream */
  readonly url: string;
  readonly credentials: TradingCredentials;
  readonly authForm?: StreamAuthForm;
  readonly onUpdate: (update: TradeUpdate) => void;
  readonly onStateChange?: (state: StreamState, previous: StreamState) => void;
  /** A frame that failed validation: counted and reported, never acted on. */
  readonly onInvalidMessage?: (reason: string) => void;
  readonly reconnectBaseDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
  /** Ping interval; a ping unanswered by the next one ends the connection (default 15 s). */
  readonly heartbeatIntervalMs?: number;
  /** Time allowed from open to listening (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  readonly random?: () => number;
}

export class TradeUpdatesClient {
  readonly #options: TradeUpdatesClientOptions;
  #state: StreamState = 'idle';
  #socket: WebSocket | null = null;
  #reconnectAttempt = 0;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #handshakeTimer: NodeJS.Timeout | null = null;
  #awaitingPong = false;
  /** Times the stream became ready; the first is the start, the rest are reconnects. */
  readyCount = 0;
  invalidMessages = 0;

  constructor(options: TradeUpdatesClientOptions) {
    this.#options = options;
  }

  get state(): StreamState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#connect();
  }

  /** Closes the socket and stops reconnecting; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.#setState('closed');
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000, 'client stopping');
      setTimeout(() => socket.terminate(), 1_000).unref();
    });
  }

  #connect(): void {
    this.#setState('connecting');
    const socket = new WebSocket(this.#options.url, { handshakeTimeout: this.#handshakeTimeoutMs() });
    this.#socket = socket;
    socket.on('open', () => this.#onOpen(socket));
    socket.on('message', (data, isBinary) => this.#onMessage(socket, data, isBinary));
    socket.on('pong', () => {
      this.#awaitingPong = false;
    });
    socket.on('close', () => this.#onLost(socket));
    // An error is always followed by close, which does the work; this only keeps it from throwing.
    socket.on('error', () => undefined);
  }

  #onOpen(socket: WebSocket): void {
    if (socket !== this.#socket) return;
    this.#setState('authenticating');
    const { keyId, secretKey } = this.#options.credentials;
    const message =
      this.#options.authForm === 'auth'
        ? { action: 'auth', key: keyId, secret: secretKey }
        : { action: 'authenticate', data: { key_id: keyId, secret_key: secretKey } };
    socket.send(JSON.stringify(message));
    this.#handshakeTimer = setTimeout(() => socket.terminate(), this.#handshakeTimeoutMs());
    this.#startHeartbeat(socket);
  }

  #onMessage(socket: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
    if (socket !== this.#socket) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    // A lone 0x01 byte is a legacy heartbeat (the JS SDK ignores it too).
    if (isBinary && bytes.length === 1 && bytes[0] === 1) return;
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.#invalid('frame is not JSON');
      return;
    }
    const parsed = parseStreamMessage(json);
    if (!parsed.ok) {
      this.#invalid(`unexpected message: ${parsed.issues.join('; ')}`);
      return;
    }
    const message = parsed.message;
    switch (message.stream) {
      case null:
        // Precedes a server-side close; the close handler reconnects.
        this.#invalid(`server error: ${message.error}`);
        return;
      case 'authorization':
        this.#onAuthorization(socket, message.authorized);
        return;
      case 'listening':
        this.#onListening(message.streams);
        return;
      case 'trade_updates':
        this.#options.onUpdate(message.update);
        return;
    }
  }

  #onAuthorization(socket: WebSocket, authorized: boolean): void {
    if (!authorized) {
      // Wrong keys do not heal by retrying fast: report, close, and back off as for any loss.
      this.#invalid('authorization refused');
      socket.close(1000, 'unauthorized');
      return;
    }
    this.#setState('subscribing');
    socket.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
  }

  #onListening(streams: readonly string[]): void {
    if (!streams.includes('trade_updates')) {
      this.#invalid('listening reply without trade_updates');
      return;
    }
    if (this.#handshakeTimer !== null) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = null;
    this.#reconnectAttempt = 0;
    this.readyCount += 1;
    this.#setState('ready');
  }

  #onLost(socket: WebSocket): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#clearTimers();
    if (this.#state === 'closed') return;
    this.#setState('reconnecting');
    const base = this.#options.reconnectBaseDelayMs ?? 250;
    const cap = Math.min(this.#options.reconnectMaxDelayMs ?? 10_000, base * 2 ** this.#reconnectAttempt);
    this.#reconnectAttempt += 1;
    // Half fixed, half jitter: never immediate, never in lockstep with other clients.
    const delay = cap / 2 + (this.#options.random ?? Math.random)() * (cap / 2);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#state === 'reconnecting') this.#connect();
    }, delay);
  }

  #startHeartbeat(socket: WebSocket): void {
    this.#awaitingPong = false;
    this.#heartbeatTimer = setInterval(() => {
      if (this.#awaitingPong) {
        socket.terminate();
        return;
      }
      this.#awaitingPong = true;
      socket.ping();
    }, this.#options.heartbeatIntervalMs ?? 15_000);
  }

  #handshakeTimeoutMs(): number {
    return this.#options.handshakeTimeoutMs ?? 10_000;
  }

  #invalid(reason: string): void {
    this.invalidMessages += 1;
    this.#options.onInvalidMessage?.(reason);
  }

  #clearTimers(): void {
    for (const timer of [this.#reconnectTimer, this.#handshakeTimer]) if (timer !== null) clearTimeout(timer);
    if (this.#heartbeatTimer !== null) clearInterval(this.#heartbeatTimer);
    this.#reconnectTimer = null;
    this.#handshakeTimer = null;
    this.#heartbeatTimer = null;
  }

  #setState(state: StreamState): void {
    const previous = this.#state;
    if (previous === state || previous === 'closed') return;
    this.#state = state;
    this.#options.onStateChange?.(state, previous);
  }
}
