/**
 * The trade-updates WebSocket at /stream (https://docs.alpaca.markets/docs/websocket-streaming):
 * authenticate (the current {"action":"auth","key","secret"} and the older
 * {"action":"authenticate","data":{"key_id","secret_key"}}), listen to trade_updates, receive one
 * JSON object per frame.
 * Frames are binary with a UTF-8 JSON payload, as Alpaca's paper endpoint sends them.
 *
 * Faults for reliability tests: drop every connection without a close frame, silence the
 * stream (events are lost, as when Alpaca's stream stalls), delay/duplicate/reorder events,
 * send a malformed frame.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { formatFixed } from '../../shared/domain/fixed.ts';
import type { SimCredentials } from '../context.ts';
import { type EventFault, EventFaultPipeline } from '../faults/event-faults.ts';
import { credentialsMatch } from '../http/auth.ts';
import { EventIds } from '../trading/ids.ts';
import type { OrderEvent } from '../trading/matching-engine.ts';
import type { TaskScheduler } from '../trading/task-scheduler.ts';
import { rfc3339Nanos } from '../trading/trading-timestamps.ts';
import { renderOrder } from '../trading/wire.ts';

export const TRADE_UPDATES_STREAM = 'trade_updates';
const MAX_MESSAGE_BYTES = 16 * 1024;

interface Client {
  readonly socket: WebSocket;
  authorized: boolean;
  listening: boolean;
}

export interface TradeUpdatesStreamOptions {
  readonly credentials: SimCredentials;
  readonly scheduler: TaskScheduler;
}

/** The `data` object of a trade_updates message. */
export function renderTradeUpdate(event: OrderEvent, eventId: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    event: event.event,
    timestamp: rfc3339Nanos(event.timestampUs),
    order: renderOrder(event.order, true),
    at: rfc3339Nanos(event.timestampUs),
    event_id: eventId,
  };
  if (event.execution !== undefined) {
    data.execution_id = event.execution.id;
    data.price = formatFixed(event.execution.price);
    data.qty = formatFixed(event.execution.qty);
    data.position_qty = formatFixed(event.execution.positionQty);
  }
  return data;
}

function encode(message: unknown): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

export class TradeUpdatesStream {
  readonly #options: TradeUpdatesStreamOptions;
  // Pongs are sent by hand so that a silenced stream also stops answering pings, as a stalled
  // connection does, and a client's zombie detection can be tested.
  readonly #server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, autoPong: false });
  readonly #clients = new Set<Client>();
  readonly #faults: EventFaultPipeline;
  readonly #eventIds = new EventIds();
  #silenced = false;
  #invalidMessages = 0;

  constructor(options: TradeUpdatesStreamOptions) {
    this.#options = options;
    this.#faults = new EventFaultPipeline(options.scheduler);
  }

  get connectionCount(): number {
    return this.#clients.size;
  }

  /** Client messages refused as malformed or unknown since start. */
  get invalidMessageCount(): number {
    return this.#invalidMessages;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#server.handleUpgrade(request, socket, head, (ws) => {
      const client: Client = { socket: ws, authorized: false, listening: false };
      this.#clients.add(client);
      ws.on('message', (data, isBinary) => this.#onMessage(client, data, isBinary));
      ws.on('ping', (data) => {
        if (!this.#silenced) ws.pong(data);
      });
      ws.on('close', () => this.#clients.delete(client));
      ws.on('error', () => this.#clients.delete(client));
    });
  }

  publish(event: OrderEvent): void {
    if (this.#silenced) return;
    const frame = encode({
      stream: TRADE_UPDATES_STREAM,
      data: renderTradeUpdate(event, this.#eventIds.next(Math.floor(event.timestampUs / 1000))),
    });
    this.#faults.push(frame, (ready) => this.#broadcast(ready));
  }

  // ---- faults ----

  /** Closes every connection abruptly (no close frame), as a network drop would. */
  dropConnections(): number {
    const dropped = this.#clients.size;
    for (const client of this.#clients) client.socket.terminate();
    this.#clients.clear();
    return dropped;
  }

  /** While silenced, events are discarded and pings unanswered: the connection stays up, mute. */
  setSilenced(silenced: boolean): void {
    this.#silenced = silenced;
  }

  armEventFault(fault: EventFault): void {
    this.#faults.arm(fault);
  }

  /** Sends a truncated JSON frame to every listening client. */
  sendMalformedFrame(): number {
    return this.#broadcast(Buffer.from('{"stream":"trade_updates","data":{"event":"fi', 'utf8'));
  }

  clearFaults(): void {
    this.#silenced = false;
    this.#faults.flush((frame) => this.#broadcast(frame));
  }

  async close(): Promise<void> {
    for (const client of this.#clients) client.socket.terminate();
    this.#clients.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #broadcast(frame: Buffer): number {
    let sent = 0;
    for (const client of this.#clients) {
      if (!client.listening) continue;
      client.socket.send(frame, { binary: true });
      sent++;
    }
    return sent;
  }

  #send(client: Client, message: unknown): void {
    client.socket.send(encode(message), { binary: true });
  }

  #refuse(client: Client, reason: string): void {
    this.#invalidMessages++;
    this.#send(client, { stream: 'error', data: { error_message: reason } });
  }

  #onMessage(client: Client, data: RawData, _isBinary: boolean): void {
    let message: unknown;
    try {
      message = JSON.parse(
        Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'),
      );
    } catch {
      this.#refuse(client, 'invalid JSON');
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.#refuse(client, 'expected a JSON object');
      return;
    }
    const { action, data: payload } = message as { action?: unknown; data?: unknown };
    const body = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
    switch (action) {
      case 'auth':
      case 'authenticate': {
        const fields = message as Record<string, unknown>;
        const authorized =
          action === 'auth'
            ? credentialsMatch(this.#options.credentials, fields.key, fields.secret)
            : credentialsMatch(this.#options.credentials, body.key_id, body.secret_key);
        client.authorized = authorized;
        if (!authorized) client.listening = false;
        this.#send(client, {
          stream: 'authorization',
          data: { status: authorized ? 'authorized' : 'unauthorized', action: 'authenticate' },
        });
        return;
      }
      case 'listen': {
        if (!client.authorized) {
          this.#send(client, { stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } });
          return;
        }
        const streams = body.streams;
        if (!Array.isArray(streams) || !streams.every((name) => typeof name === 'string')) {
          this.#refuse(client, 'listen needs data.streams, an array of stream names');
          return;
        }
        // The list is the complete desired set; unknown streams (e.g. account_updates) are dropped.
        client.listening = streams.includes(TRADE_UPDATES_STREAM);
        this.#send(client, {
          stream: 'listening',
          data: { streams: client.listening ? [TRADE_UPDATES_STREAM] : [] },
        });
        return;
      }
      default:
        this.#refuse(client, `unknown action ${JSON.stringify(action)}`);
    }
  }
}
