/**
 * The market-data WebSocket endpoints: upgrade and codec choice, the connect → auth →
 * subscribe handshake with Alpaca's exact control and error messages, and the fan-out of the
 * market's events to subscribed connections, each event encoded at most once per codec.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decode } from '@msgpack/msgpack';
import { type RawData, WebSocketServer } from 'ws';
import {
  authActionSchema,
  type StreamErrorCode,
} from '../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { Logger } from '../../shared/logging/logger.ts';
import type { SimContext } from '../context.ts';
import type { SimMarket } from '../market/market.ts';
import type {
  SimBar,
  SimLuld,
  SimOrderBook,
  SimQuote,
  SimStatus,
  SimTrade,
} from '../market/market-events.ts';
import { formatRfc3339, MsgpackTimestamp } from './market-data-timestamps.ts';
import { type Channel, feedForPath } from './stream-feeds.ts';
import {
  type Codec,
  type EncodedMessage,
  msgpackEncoder,
  StreamSubscriber,
  type SubscriberLimits,
} from './stream-subscriber.ts';
import {
  barMessage,
  cryptoQuoteJson,
  cryptoQuoteMessage,
  cryptoTradeJson,
  cryptoTradeMessage,
  luldMessage,
  orderBookMessage,
  statusMessage,
  stockQuoteJson,
  stockQuoteMessage,
  stockTradeJson,
  stockTradeMessage,
  type WireObject,
  type WireTimeValue,
} from './wire-messages.ts';

export interface StreamOptions extends SubscriberLimits {
  /** Connections allowed per key on one endpoint (Alpaca: 1 on every plan). */
  readonly connectionsPerKey: number;
  readonly authTimeoutMs: number;
  /** Feed names the key's plan covers; others answer auth with 409. */
  readonly feeds: readonly string[];
}

export const DEFAULT_STREAM_OPTIONS: StreamOptions = {
  connectionsPerKey: 1,
  authTimeoutMs: 10_000,
  feeds: ['iex', 'sip', 'delayed_sip', 'test', 'crypto'],
  maxBatch: 100,
  maxBufferedBytes: 64 * 1024 * 1024,
  symbolLimit: Number.POSITIVE_INFINITY,
};

/** An error answer; `close` when Alpaca ends the session after it (bad keys, plan, connection limit). */
interface Refusal {
  readonly code: StreamErrorCode;
  /** What exactly was wrong, for the log: Alpaca's fixed texts cannot say. */
  readonly detail: string;
  readonly close?: boolean;
}

/** What the admin stats endpoint reports: refusals are counted, never silent. */
export interface StreamStats {
  connectionsAccepted: number;
  readonly errorsSent: Record<string, number>;
  /** Data messages handed to the sockets, by channel, over every connection since the start. */
  readonly messagesSent: Partial<Record<Channel, number>>;
}

const BAR_CHANNELS = { minute: 'bars', updated: 'updatedBars', daily: 'dailyBars' } as const;

export class StreamServer {
  readonly #context: SimContext;
  readonly #market: SimMarket;
  readonly #options: StreamOptions;
  readonly #logger: Logger;
  readonly #wss: WebSocketServer;
  readonly connections = new Set<StreamSubscriber>();
  readonly stats: StreamStats = { connectionsAccepted: 0, errorsSent: {}, messagesSent: {} };
  /** Authenticated connections by asset class: the fan-out lists. */
  readonly #stocks: StreamSubscriber[] = [];
  readonly #crypto: StreamSubscriber[] = [];
  readonly #unsubscribeMarket: (() => void)[];
  readonly #subscribeListeners = new Set<() => void>();
  #flushScheduled = false;

  constructor(context: SimContext, market: SimMarket, options: StreamOptions, logger: Logger) {
    this.#context = context;
    this.#market = market;
    this.#options = options;
    this.#logger = logger;
    this.#wss = new WebSocketServer({
      noServer: true,
      // Off: silenced connections must not answer pings; the connection answers them itself.
      autoPong: false,
      perMessageDeflate: { threshold: 1024, zlibDeflateOptions: { level: 1 } },
      maxPayload: 1024 * 1024,
    });
    this.#unsubscribeMarket = [
      market.onQuote((quote) => this.#onQuote(quote)),
      market.onTrade((trade) => this.#onTrade(trade)),
      market.onBar((bar) => this.#onBar(bar)),
      market.onStatus((status) => this.#onStatus(status)),
      market.onLuld((luld) => this.#onLuld(luld)),
      market.onOrderBook((book) => this.#onOrderBook(book)),
    ];
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    const feed = feedForPath(url.pathname);
    if (feed === undefined) return false;
    const codec = codecOf(request);
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new StreamSubscriber(
        feed,
        codec,
        ws,
        this.#options,
        (slow) => this.#dropSlow(slow),
        this.stats.messagesSent,
      );
      this.#accept(connection, request);
    });
    return true;
  }

  /** Called after each accepted subscribe, once its echo is out (a replay starts at the first). */
  onSubscribe(listener: () => void): () => void {
    this.#subscribeListeners.add(listener);
    return () => this.#subscribeListeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.#unsubscribeMarket) unsubscribe();
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(connection: StreamSubscriber, request: IncomingMessage): void {
    this.connections.add(connection);
    const ws = connection.socket;
    this.stats.connectionsAccepted++;
    const authTimer = setTimeout(() => {
      if (connection.state !== 'connected') return;
      this.#refuse(connection, { code: 404, detail: 'no auth in time', close: true });
    }, this.#options.authTimeoutMs);
    ws.on('message', (data, isBinary) => this.#onMessage(connection, data, isBinary));
    ws.on('ping', (data) => {
      if (!connection.faults.silenced) ws.pong(data);
    });
    ws.on('error', (error) =>
      this.#logger.warn({ err: error, path: connection.feed.path }, 'stream socket error'),
    );
    ws.on('close', () => {
      clearTimeout(authTimer);
      connection.state = 'closed';
      this.connections.delete(connection);
      removeFrom(this.#stocks, connection);
      removeFrom(this.#crypto, connection);
    });
    connection.sendControl({ T: 'success', msg: 'connected' });
    const keyId = headerValue(request, 'apca-api-key-id');
    const secret = headerValue(request, 'apca-api-secret-key');
    if (keyId === undefined && secret === undefined) return;
    this.#refuse(connection, this.#authenticate(connection, keyId ?? '', secret ?? ''));
  }

  #onMessage(connection: StreamSubscriber, data: RawData, isBinary: boolean): void {
    if (connection.state === 'closed') return;
    this.#refuse(connection, this.#handleAction(connection, data, isBinary));
  }

  #refuse(connection: StreamSubscriber, refusal: Refusal | undefined): void {
    if (refusal === undefined) return;
    this.#countError(refusal.code);
    this.#logger.debug(
      { path: connection.feed.path, code: refusal.code, detail: refusal.detail },
      'stream refusal',
    );
    connection.sendError(refusal.code);
    if (refusal.close) connection.socket.close(1000);
  }

  #countError(code: StreamErrorCode): void {
    this.stats.errorsSent[code] = (this.stats.errorsSent[code] ?? 0) + 1;
  }

  /** Acts on one client message; returns the error to answer with, if any. */
  #handleAction(connection: StreamSubscriber, data: RawData, isBinary: boolean): Refusal | undefined {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let message: unknown;
    try {
      message = isBinary ? decode(bytes) : JSON.parse(bytes.toString('utf8'));
    } catch {
      return { code: 400, detail: isBinary ? 'not MessagePack' : 'not JSON' };
    }
    if (!isPlainObject(message)) return { code: 400, detail: 'a message must be an object' };
    const request = message as Record<string, unknown>;
    if (request.action === 'auth') {
      const auth = authActionSchema.safeParse(message);
      if (!auth.success) return { code: 400, detail: 'auth needs string key and secret' };
      return this.#authenticate(connection, auth.data.key, auth.data.secret);
    }
    if (request.action === 'subscribe' || request.action === 'unsubscribe') {
      if (connection.state !== 'authenticated') return { code: 401, detail: `${request.action} before auth` };
      const change = connection.subscriptions.apply(request.action, request);
      if (!change.ok) return { code: change.code, detail: change.detail };
      connection.sendControl(connection.subscriptions.echo());
      if (request.action === 'subscribe') {
        this.#sendBookSnapshots(connection, request);
        for (const listener of this.#subscribeListeners) listener();
      }
      return undefined;
    }
    return { code: 400, detail: `unknown action ${JSON.stringify(request.action)}` };
  }

  #authenticate(connection: StreamSubscriber, keyId: string, secret: string): Refusal | undefined {
    if (connection.state === 'authenticated') return { code: 403, detail: 'second auth' };
    const credentials = this.#context.credentials;
    if (keyId !== credentials.keyId || secret !== credentials.secretKey)
      return { code: 402, detail: 'wrong key pair', close: true };
    if (!this.#options.feeds.includes(connection.feed.name))
      return { code: 409, detail: `feed ${connection.feed.name} not in the plan`, close: true };
    // Only open sockets count: one the client or a fault is closing must not refuse its reconnect.
    let sameKey = 0;
    for (const other of this.connections) {
      if (
        other.state === 'authenticated' &&
        other.socket.readyState === other.socket.OPEN &&
        other.keyId === keyId &&
        other.feed === connection.feed
      )
        sameKey++;
    }
    if (sameKey >= this.#options.connectionsPerKey)
      return { code: 406, detail: 'connection limit per key', close: true };
    connection.state = 'authenticated';
    connection.keyId = keyId;
    (connection.feed.assetClass === 'crypto' ? this.#crypto : this.#stocks).push(connection);
    connection.sendControl({ T: 'success', msg: 'authenticated' });
    return undefined;
  }

  /** Alpaca starts every order book subscription with a full snapshot (`r: true`). */
  #sendBookSnapshots(connection: StreamSubscriber, request: Record<string, unknown>): void {
    const requested = request.orderbooks;
    if (connection.feed.assetClass !== 'crypto' || !Array.isArray(requested)) return;
    const symbols = requested.includes('*') ? this.#market.symbols : (requested as string[]);
    for (const symbol of symbols) {
      const snapshot = this.#market.orderBookSnapshot(symbol);
      if (snapshot !== undefined)
        connection.push(this.#encode(connection.codec, orderBookMessage, snapshot), 'orderbooks');
    }
    this.#scheduleFlush();
  }

  #dropSlow(connection: StreamSubscriber): void {
    this.#logger.warn({ path: connection.feed.path }, 'dropping a slow market-data client');
    this.#countError(407);
    connection.sendError(407);
    connection.socket.terminate();
  }

  // ------------------------------------------------------------ fan-out

  #onQuote(quote: SimQuote): void {
    const crypto = isCryptoSymbol(quote.symbol);
    this.#fanOutTick(
      crypto ? this.#crypto : this.#stocks,
      'quotes',
      quote,
      crypto ? cryptoQuoteJson : stockQuoteJson,
      crypto ? cryptoQuoteMessage : stockQuoteMessage,
    );
  }

  #onTrade(trade: SimTrade): void {
    const crypto = isCryptoSymbol(trade.symbol);
    this.#fanOutTick(
      crypto ? this.#crypto : this.#stocks,
      'trades',
      trade,
      crypto ? cryptoTradeJson : stockTradeJson,
      crypto ? cryptoTradeMessage : stockTradeMessage,
    );
  }

  /**
   * The hot fan-out (quotes and trades): each encoding is built at most once, for the first
   * subscriber that wants it, and the encoders are plain functions, so nothing is allocated per
   * subscriber.
   */
  #fanOutTick<T extends { symbol: string; timestampUs: number; nanos: number }>(
    targets: readonly StreamSubscriber[],
    channel: 'quotes' | 'trades',
    tick: T,
    toJson: (tick: T) => string,
    toMessage: (tick: T, time: WireTimeValue) => WireObject,
  ): void {
    if (targets.length === 0) return;
    let json: string | undefined;
    let packed: Uint8Array | undefined;
    for (let i = 0; i < targets.length; i++) {
      const connection = targets[i]!;
      if (!connection.subscriptions.wants(channel, tick.symbol)) continue;
      if (connection.codec === 'json') {
        json ??= toJson(tick);
        connection.push(json, channel);
      } else {
        packed ??= packMessage(toMessage, tick);
        connection.push(packed, channel);
      }
    }
    if (json !== undefined || packed !== undefined) this.#scheduleFlush();
  }

  #onBar(bar: SimBar): void {
    const targets = isCryptoSymbol(bar.symbol) ? this.#crypto : this.#stocks;
    this.#fanOut(targets, BAR_CHANNELS[bar.kind], bar.symbol, (codec) =>
      this.#encodeAt(codec, barMessage, bar, bar.startUs, 0),
    );
  }

  #onStatus(status: SimStatus): void {
    this.#fanOut(this.#stocks, 'statuses', status.symbol, (codec) =>
      this.#encode(codec, statusMessage, status),
    );
  }

  #onLuld(luld: SimLuld): void {
    this.#fanOut(this.#stocks, 'lulds', luld.symbol, (codec) => this.#encode(codec, luldMessage, luld));
  }

  #onOrderBook(book: SimOrderBook): void {
    this.#fanOut(this.#crypto, 'orderbooks', book.symbol, (codec) =>
      this.#encode(codec, orderBookMessage, book),
    );
  }

  #fanOut(
    targets: readonly StreamSubscriber[],
    channel: Channel,
    symbol: string,
    encode: (codec: Codec) => EncodedMessage,
  ): void {
    let json: EncodedMessage | undefined;
    let packed: EncodedMessage | undefined;
    for (const connection of targets) {
      if (!connection.subscriptions.wants(channel, symbol)) continue;
      if (connection.codec === 'json') {
        json ??= encode('json');
        connection.push(json, channel);
      } else {
        packed ??= encode('msgpack');
        connection.push(packed, channel);
      }
    }
    if (json !== undefined || packed !== undefined) this.#scheduleFlush();
  }

  #encode<T extends { timestampUs: number; nanos: number }>(
    codec: Codec,
    build: (event: T, time: WireTimeValue) => WireObject,
    event: T,
  ): EncodedMessage {
    return this.#encodeAt(codec, build, event, event.timestampUs, event.nanos);
  }

  #encodeAt<T>(
    codec: Codec,
    build: (event: T, time: WireTimeValue) => WireObject,
    event: T,
    timestampUs: number,
    nanos: number,
  ): EncodedMessage {
    if (codec === 'json') return JSON.stringify(build(event, formatRfc3339(timestampUs, nanos)));
    return msgpackEncoder.encode(build(event, new MsgpackTimestamp(timestampUs, nanos)));
  }

  /** Frames go out once the current burst of events (one timer tick of the market) is done. */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      for (const connection of this.connections) connection.flush();
    });
  }
}

function packMessage<T extends { timestampUs: number; nanos: number }>(
  build: (event: T, time: WireTimeValue) => WireObject,
  event: T,
): Uint8Array {
  return msgpackEncoder.encode(build(event, new MsgpackTimestamp(event.timestampUs, event.nanos)));
}

/** MessagePack when the upgrade asks for it, in Content-Type (the SDKs) or Accept. */
function codecOf(request: IncomingMessage): Codec {
  const contentType = request.headers['content-type'] ?? '';
  const accept = request.headers.accept ?? '';
  return contentType.includes('application/msgpack') || accept.includes('application/msgpack')
    ? 'msgpack'
    : 'json';
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function removeFrom<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
