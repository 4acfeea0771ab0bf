/**
 * Loopback peers speaking each of Alpaca's stream protocols as documented (market data:
 * https://docs.alpaca.markets/docs/streaming-market-data, trade updates:
 * https://docs.alpaca.markets/docs/websocket-streaming), and both clients behind one face, so
 * that what the shared connection promises is tested on each stream.
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { FeedClient } from '../../../../shared/broker/alpaca/market-data/feed-client.ts';
import type { StreamConnectionSettings } from '../../../../shared/broker/alpaca/stream-connection.ts';
import type { StreamFatalError } from '../../../../shared/broker/alpaca/stream-connection-faults.ts';
import type { StreamState } from '../../../../shared/broker/alpaca/stream-connection-states.ts';
import { TradeUpdatesClient } from '../../../../shared/broker/alpaca/trade-updates-client.ts';
import { ManualClock } from '../../../../shared/time/clock.ts';
import { FeedMetrics } from '../../../../shared/venue/feed-metrics.ts';

export type StreamKind = 'market data' | 'trade updates';
export const STREAM_KINDS: readonly StreamKind[] = ['market data', 'trade updates'];

export const KEY_ID = 'PKTESTKEYID';
export const SECRET_KEY = 'test-secret-5c1d';

export interface PeerOptions {
  /** Refuse the credentials (402 auth failed / unauthorized). */
  readonly refuseKeys?: boolean;
  /** Market data: answer the subscribe with this error code instead of the echo. */
  readonly subscribeError?: number;
  /** Answer pings (default true). */
  readonly autoPong?: boolean;
}

export class FakeStreamPeer {
  readonly kind: StreamKind;
  readonly received: unknown[] = [];
  readonly sockets: WebSocket[] = [];
  readonly #server: WebSocketServer;
  readonly #options: PeerOptions;

  private constructor(kind: StreamKind, options: PeerOptions) {
    this.kind = kind;
    this.#options = options;
    this.#server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.autoPong ?? true });
    this.#server.on('connection', (socket) => {
      this.sockets.push(socket);
      if (kind === 'market data') this.#send(socket, { T: 'success', msg: 'connected' });
      socket.on('message', (raw) => this.#answer(socket, JSON.parse(String(raw)) as Record<string, unknown>));
    });
  }

  static async start(kind: StreamKind, options: PeerOptions = {}): Promise<FakeStreamPeer> {
    const peer = new FakeStreamPeer(kind, options);
    await new Promise((resolve) => peer.#server.once('listening', resolve));
    return peer;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}${this.kind === 'market data' ? '/v2/iex' : '/stream'}`;
  }

  /** One message to every client, framed as the stream frames it. */
  broadcast(message: object): void {
    for (const socket of this.sockets) this.#send(socket, message);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #send(socket: WebSocket, message: object): void {
    // Market data: text frames holding an array; trade updates: binary frames holding one object.
    if (this.kind === 'market data') socket.send(JSON.stringify([message]));
    else socket.send(Buffer.from(JSON.stringify(message)));
  }

  #answer(socket: WebSocket, message: Record<string, unknown>): void {
    this.received.push(message);
    const refused = this.#options.refuseKeys === true;
    const { action, ...rest } = message;
    if (this.kind === 'market data') {
      if (action === 'auth')
        this.#send(
          socket,
          refused ? { T: 'error', code: 402, msg: 'auth failed' } : { T: 'success', msg: 'authenticated' },
        );
      else if (this.#options.subscribeError !== undefined)
        this.#send(socket, { T: 'error', code: this.#options.subscribeError, msg: 'refused' });
      else this.#send(socket, { T: 'subscription', ...rest });
      return;
    }
    if (action === 'auth' || action === 'authenticate') {
      const status = refused ? 'unauthorized' : 'authorized';
      this.#send(socket, { stream: 'authorization', data: { status, action: 'authenticate' } });
    } else if (action === 'listen') {
      this.#send(socket, { stream: 'listening', data: (message.data as object) ?? {} });
    }
  }
}

export interface StateChange {
  readonly state: StreamState;
  readonly previous: StreamState;
  readonly reason: string;
}

export interface ClientUnderTest {
  readonly state: StreamState;
  readonly fatalError: StreamFatalError | undefined;
  readonly states: StateChange[];
  start(): void;
  stop(): Promise<void>;
}

/** The stream's client with the test's keys and connection settings, recording its states. */
export function streamClient(
  kind: StreamKind,
  url: string,
  settings: StreamConnectionSettings = {},
): ClientUnderTest {
  const states: StateChange[] = [];
  const onStateChange = (state: StreamState, previous: StreamState, reason: string): void => {
    states.push({ state, previous, reason });
  };
  const client =
    kind === 'market data'
      ? new FeedClient({
          clock: new ManualClock(0),
          ...settings,
          url,
          keyId: KEY_ID,
          secretKey: SECRET_KEY,
          subscription: { quotes: ['AAPL'] },
          metrics: new FeedMetrics(),
          listener: { onData: () => undefined, onStateChange },
        })
      : new TradeUpdatesClient({
          ...settings,
          url,
          credentials: { keyId: KEY_ID, secretKey: SECRET_KEY },
          onUpdate: () => undefined,
          onStateChange,
        });
  return {
    get state() {
      return client.state;
    },
    get fatalError() {
      return client.fatalError;
    },
    states,
    start: () => client.start(),
    stop: () => client.stop(),
  };
}
