/**
 * Alpaca as the venue port: requests through the trading REST client, order events from the
 * trade_updates stream, both already in domain terms. It is the only thing the execution core
 * needs to know about Alpaca; the in-process venue (sim/in-process-venue.ts) stands in for it
 * under the same contract.
 */
import type { Account } from '../../domain/account.ts';
import type { ConnectionState } from '../../venue/connection-state.ts';
import type { TradingVenue } from '../../venue/trading-venue.ts';
import type {
  BulkItemResult,
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
  VenueQuota,
} from '../../venue/venue-types.ts';
import type { StreamConnectionSettings } from './stream-connection.ts';
import { type StreamAuthForm, TradeUpdatesClient } from './trade-updates-client.ts';
import { AlpacaTradingClient, type TradingCredentials } from './trading-client.ts';

export interface AlpacaVenueOptions {
  /** Trading REST base, e.g. https://paper-api.alpaca.markets or the simulator's. */
  readonly tradingUrl: string;
  /** wss://…/stream */
  readonly tradingStreamUrl: string;
  readonly credentials: TradingCredentials;
  /** The trade_updates connection's timings, clock and logger. */
  readonly stream?: Omit<StreamConnectionSettings, 'onFatal'>;
  readonly streamAuthForm?: StreamAuthForm;
  readonly requestTimeoutMs?: number;
  /** A trade_updates frame refused by validation: counted and reported, never acted on. */
  readonly onInvalidMessage?: (reason: string) => void;
}

export class AlpacaVenue implements TradingVenue {
  readonly client: AlpacaTradingClient;
  readonly stream: TradeUpdatesClient;
  readonly #orderListeners = new Set<(event: VenueOrderEvent) => void>();
  readonly #stateListeners = new Set<(state: ConnectionState, fault: Error | null) => void>();
  readonly #quotaListeners = new Set<(quota: VenueQuota) => void>();
  #stopped: Promise<void> | null = null;

  constructor(options: AlpacaVenueOptions) {
    this.client = new AlpacaTradingClient({
      baseUrl: options.tradingUrl,
      credentials: options.credentials,
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
      onRateLimitHeaders: (quota) => {
        for (const listener of this.#quotaListeners) listener(quota);
      },
    });
    this.stream = new TradeUpdatesClient({
      ...options.stream,
      url: options.tradingStreamUrl,
      credentials: options.credentials,
      ...(options.streamAuthForm === undefined ? {} : { authForm: options.streamAuthForm }),
      ...(options.onInvalidMessage === undefined ? {} : { onInvalidMessage: options.onInvalidMessage }),
      onUpdate: (update) => {
        for (const listener of this.#orderListeners) listener(update);
      },
      onStateChange: (state) => {
        const fault = state === 'fatal' ? (this.stream.fatalError ?? null) : null;
        for (const listener of this.#stateListeners) listener(state, fault);
      },
    });
  }

  get connectionState(): ConnectionState {
    return this.stream.state;
  }

  start(): void {
    this.stream.start();
  }

  /** Starts the stream and resolves once it listens (tests and one-off scripts). */
  connect(): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribe = this.onConnectionState((state) => {
        if (state !== 'ready') return;
        unsubscribe();
        resolve();
      });
      this.start();
    });
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.stream.stop();
      await this.client.close();
    })();
    return this.#stopped;
  }

  submitOrder(request: OrderRequest): Promise<VenueOrder> {
    return this.client.submitOrder(request);
  }

  cancelOrder(orderId: string): Promise<void> {
    return this.client.cancelOrder(orderId);
  }

  cancelAllOrders(): Promise<BulkItemResult[]> {
    return this.client.cancelAllOrders();
  }

  replaceOrder(orderId: string, changes: ReplaceRequest): Promise<VenueOrder> {
    return this.client.replaceOrder(orderId, changes);
  }

  getOrder(orderId: string): Promise<VenueOrder | null> {
    return this.client.getOrder(orderId);
  }

  getOrderByClientOrderId(clientOrderId: string): Promise<VenueOrder | null> {
    return this.client.getOrderByClientOrderId(clientOrderId);
  }

  listOrders(query?: ListOrdersQuery): Promise<VenueOrder[]> {
    return this.client.listOrders(query);
  }

  listPositions(): Promise<VenuePosition[]> {
    return this.client.listPositions();
  }

  getAccount(): Promise<Account> {
    return this.client.getAccount();
  }

  getClock(): Promise<MarketClock> {
    return this.client.getClock();
  }

  getCalendar(start: string, end: string): Promise<CalendarDay[]> {
    return this.client.getCalendar(start, end);
  }

  onOrderEvent(listener: (event: VenueOrderEvent) => void): () => void {
    return subscribe(this.#orderListeners, listener);
  }

  onConnectionState(listener: (state: ConnectionState, fault: Error | null) => void): () => void {
    return subscribe(this.#stateListeners, listener);
  }

  onQuota(listener: (quota: VenueQuota) => void): () => void {
    return subscribe(this.#quotaListeners, listener);
  }
}

function subscribe<Listener>(listeners: Set<Listener>, listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
