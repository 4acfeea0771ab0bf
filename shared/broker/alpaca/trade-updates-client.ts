/**
 * Alpaca's trade_updates stream (https://docs.alpaca.markets/docs/websocket-streaming): the
 * protocol only — authenticate when the socket opens, listen to trade_updates, validate every
 * frame. The connection (states, backoff, zombie detection, what is fatal) is the shared
 * stream-connection.ts; keys the server calls `unauthorized` stop the stream for good.
 *
 * The state is public because trading depends on it: while the stream is not `ready` fills may
 * go unseen, so the router sends no new entries, and every time it becomes ready again the
 * router closes the gap from REST before trading resumes (Alpaca does not replay missed events).
 */

import type { VenueOrderEvent } from '../../venue/venue-types.ts';
import { StreamClient, StreamConnection, type StreamConnectionSettings } from './stream-connection.ts';
import type { StreamState } from './stream-connection-states.ts';
import { parseStreamMessage } from './trade-updates-client-wire.ts';
import type { TradingCredentials } from './trading-client.ts';

/** `authenticate` {key_id, secret_key} (SDKs) or `auth` {key, secret} (current docs). */
export type StreamAuthForm = 'authenticate' | 'auth';

export interface TradeUpdatesClientOptions extends StreamConnectionSettings {
  /** ws(s)://host/stream */
  readonly url: string;
  readonly credentials: TradingCredentials;
  readonly authForm?: StreamAuthForm;
  readonly onUpdate: (update: VenueOrderEvent) => void;
  readonly onStateChange?: (state: StreamState, previous: StreamState, reason: string) => void;
  /** A frame that failed validation: counted and reported, never acted on. */
  readonly onInvalidMessage?: (reason: string) => void;
}

export class TradeUpdatesClient extends StreamClient {
  protected readonly connection: StreamConnection;
  readonly #credentials: TradingCredentials;
  readonly #authForm: StreamAuthForm;
  readonly #onUpdate: (update: VenueOrderEvent) => void;
  readonly #onInvalidMessage: ((reason: string) => void) | undefined;
  /** Times the stream became ready; the first is the start, the rest are reconnects. */
  readyCount = 0;
  invalidMessages = 0;

  constructor(options: TradeUpdatesClientOptions) {
    super();
    const { url, credentials, authForm, onUpdate, onStateChange, onInvalidMessage, ...settings } = options;
    this.#credentials = credentials;
    this.#authForm = authForm ?? 'authenticate';
    this.#onUpdate = onUpdate;
    this.#onInvalidMessage = onInvalidMessage;
    this.connection = new StreamConnection({
      ...settings,
      stream: 'trade updates',
      url,
      protocol: {
        opened: () => this.#authenticate(),
        received: (data, isBinary) => this.#onFrame(data, isBinary),
      },
      onStateChange: (state, previous, reason) => {
        if (state === 'ready') this.readyCount += 1;
        onStateChange?.(state, previous, reason);
      },
    });
  }

  #authenticate(): void {
    this.connection.advance('connected', 'socket open');
    const { keyId, secretKey } = this.#credentials;
    const message =
      this.#authForm === 'auth'
        ? { action: 'auth', key: keyId, secret: secretKey }
        : { action: 'authenticate', data: { key_id: keyId, secret_key: secretKey } };
    this.connection.send(JSON.stringify(message));
  }

  #onFrame(bytes: Buffer, isBinary: boolean): void {
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
        // Precedes a server-side close, which reconnects.
        this.#invalid(`server error: ${message.error}`);
        return;
      case 'authorization':
        if (!message.authorized) {
          this.connection.fault({ kind: 'keys_refused', detail: 'unauthorized' });
          return;
        }
        this.connection.advance('authenticated', 'keys accepted');
        this.connection.send(JSON.stringify({ action: 'listen', data: { streams: ['trade_updates'] } }));
        return;
      case 'listening':
        if (message.streams.includes('trade_updates'))
          this.connection.advance('subscribed', 'listening to trade_updates');
        else this.#invalid('listening reply without trade_updates');
        return;
      case 'trade_updates':
        this.#onUpdate(message.update);
        return;
    }
  }

  #invalid(reason: string): void {
    this.invalidMessages += 1;
    this.#onInvalidMessage?.(reason);
  }
}
