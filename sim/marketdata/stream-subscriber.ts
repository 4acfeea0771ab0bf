/**
 * One client of the market-data stream: its handshake state, codec, subscriptions, the batch of
 * data messages waiting for the next frame, and the faults an admin request has put on it.
 *
 * Control messages always go out alone in a one-element array; data messages are batched up
 * to `maxBatch` per frame (the JS SDK reads only `data[0].T` to tell control from data).
 */
import { Encoder } from '@msgpack/msgpack';
import type { WebSocket } from 'ws';
import { STREAM_ERRORS, type StreamErrorCode } from '../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { wireExtensionCodec } from './market-data-timestamps.ts';
import type { Channel, Feed } from './stream-feeds.ts';
import { StreamSubscriptions } from './stream-subscriptions.ts';

export type Codec = 'json' | 'msgpack';
export type SubscriberState = 'connected' | 'authenticated' | 'closed';
/** An encoded data message: a JSON text or MessagePack bytes, matching the connection's codec. */
export type EncodedMessage = string | Uint8Array;

export const msgpackEncoder = new Encoder({ extensionCodec: wireExtensionCodec, ignoreUndefined: true });

export interface SubscriberLimits {
  readonly maxBatch: number;
  /** Beyond this many bytes queued in the socket the client is too slow: 407, then disconnect. */
  readonly maxBufferedBytes: number;
  readonly symbolLimit: number;
}

export interface SubscriberFaults {
  silenced: boolean;
  delayMs: number;
  duplicateFrames: number;
  reorderFrames: number;
  heldFrame: EncodedMessage | undefined;
}

export class StreamSubscriber {
  readonly feed: Feed;
  readonly codec: Codec;
  readonly socket: WebSocket;
  readonly subscriptions: StreamSubscriptions;
  readonly faults: SubscriberFaults = {
    silenced: false,
    delayMs: 0,
    duplicateFrames: 0,
    reorderFrames: 0,
    heldFrame: undefined,
  };
  state: SubscriberState = 'connected';
  keyId: string | undefined;
  readonly #limits: SubscriberLimits;
  #pending: EncodedMessage[] = [];
  /** The channel of each pending message, for the counts of messages sent. */
  #pendingChannels: Channel[] = [];
  /** Data messages handed to this socket. */
  messagesSent = 0;
  readonly #sentByChannel: Partial<Record<Channel, number>>;
  readonly #onSlow: (connection: StreamSubscriber) => void;

  constructor(
    feed: Feed,
    codec: Codec,
    socket: WebSocket,
    limits: SubscriberLimits,
    onSlow: (connection: StreamSubscriber) => void,
    sentByChannel: Partial<Record<Channel, number>> = {},
  ) {
    this.feed = feed;
    this.codec = codec;
    this.socket = socket;
    this.#limits = limits;
    this.#sentByChannel = sentByChannel;
    this.subscriptions = new StreamSubscriptions(feed, limits.symbolLimit);
    this.#onSlow = onSlow;
  }

  /** A control message, alone in its frame, sent at once (after any data batched before it). */
  sendControl(message: Record<string, unknown>): void {
    this.flush();
    this.#write(this.#encodeFrame([message]));
  }

  sendError(code: StreamErrorCode): void {
    this.sendControl({ T: 'error', code, msg: STREAM_ERRORS[code] });
  }

  /** Queues a data message; a full batch goes out at once, the rest when the burst ends. */
  push(message: EncodedMessage, channel: Channel): void {
    this.#pending.push(message);
    this.#pendingChannels.push(channel);
    if (this.#pending.length >= this.#limits.maxBatch) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    const channels = this.#pendingChannels;
    this.#pending = [];
    this.#pendingChannels = [];
    if (this.state !== 'authenticated') return;
    if (this.#sendData(this.#frameOf(batch))) this.#countSent(channels);
  }

  /**
   * Counted when a frame is handed to the socket, so a receiver's count can be held against it
   * (the soak's messages lost). Fault injection is not reflected: a duplicated frame counts once.
   */
  #countSent(channels: readonly Channel[]): void {
    const counts = this.#sentByChannel;
    for (let i = 0; i < channels.length; i++) {
      const channel = channels[i]!;
      counts[channel] = (counts[channel] ?? 0) + 1;
    }
    this.messagesSent += channels.length;
  }

  /** Encodes whole messages (objects) into one frame in this connection's codec. */
  #encodeFrame(messages: readonly Record<string, unknown>[]): EncodedMessage {
    return this.codec === 'json' ? JSON.stringify(messages) : msgpackEncoder.encode(messages);
  }

  /** Sends raw bytes or text as they are: the malformed-frame fault. */
  sendRaw(frame: EncodedMessage): void {
    this.#write(frame);
  }

  #frameOf(batch: readonly EncodedMessage[]): EncodedMessage {
    if (this.codec === 'json') return `[${(batch as string[]).join(',')}]`;
    const parts = batch as Uint8Array[];
    let length = 0;
    for (const part of parts) length += part.length;
    const header = msgpackArrayHeader(parts.length);
    const frame = Buffer.allocUnsafe(header.length + length);
    frame.set(header, 0);
    let offset = header.length;
    for (const part of parts) {
      frame.set(part, offset);
      offset += part.length;
    }
    return frame;
  }

  /** False when the frame was not handed to the socket (silenced, too slow, closed). */
  #sendData(frame: EncodedMessage): boolean {
    const faults = this.faults;
    if (faults.silenced) return false;
    if (this.socket.bufferedAmount > this.#limits.maxBufferedBytes) {
      this.#onSlow(this);
      return false;
    }
    if (faults.reorderFrames > 0) {
      if (faults.heldFrame === undefined) {
        faults.heldFrame = frame;
        return true;
      }
      const held = faults.heldFrame;
      faults.heldFrame = undefined;
      faults.reorderFrames--;
      this.#write(frame);
      return this.#write(held);
    }
    const written = this.#write(frame);
    if (faults.duplicateFrames > 0) {
      faults.duplicateFrames--;
      this.#write(frame);
    }
    return written;
  }

  #write(frame: EncodedMessage): boolean {
    if (this.faults.silenced || this.socket.readyState !== this.socket.OPEN) return false;
    const delay = this.faults.delayMs;
    const binary = typeof frame !== 'string';
    if (delay > 0) {
      setTimeout(() => {
        if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame, { binary });
      }, delay);
    } else {
      this.socket.send(frame, { binary });
    }
    return true;
  }
}

function msgpackArrayHeader(length: number): Uint8Array {
  if (length < 16) return Uint8Array.of(0x90 | length);
  if (length < 0x10000) return Uint8Array.of(0xdc, length >>> 8, length & 0xff);
  return Uint8Array.of(0xdd, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
}
