/**
 * Alpaca as the venue port: requests through the trading REST client, order events from the
 * trade_updates stream, both already in domain terms. It is the only thing the execution core
 * needs to know about Alpaca; the in-process venue (sim/in-process-venue.ts) stands in for it
 * under the same contract.
 */
import type { Account } from '../../domain/account.ts';
import type { TradingVenue } from '../../venue/trading-venue.ts';
import type {
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
  VenueOrder,
  VenueOrderEvent,
  VenuePosition,
} from '../../venue/venue-types.ts';
import type { StreamConnectionSettings } from './stream-connection.ts';
import { TradeUpdatesClient } from './trade-updates-client.ts';
import { AlpacaTradingClient, type TradingCredentials } from './trading-client.ts';

export interface AlpacaVenueOptions {
  /** Trading REST base, e.g. https://paper-api.alpaca.markets or the simulator's. */
  readonly tradingUrl: string;
  /** wss://…/stream */
  readonly tradingStreamUrl: string;
  readonly credentials: TradingCredentials;
  readonly stream?: StreamConnectionSettings;
}

export class AlpacaVenue implements TradingVenue {
  readonly client: AlpacaTradingClient;
  readonly stream: TradeUpdatesClient;
  readonly #listeners = new Set<(event: VenueOrderEvent) => void>();
  readonly #ready: Promise<void>;

  constructor(options: AlpacaVenueOptions) {
    this.client = new AlpacaTradingClient({ baseUrl: options.tradingUrl, credentials: options.credentials });
    let markReady: () => void = () => undefined;
    this.#ready = new Promise((resolve) => {
      markReady = resolve;
    });
    this.stream = new TradeUpdatesClient({
      ...options.stream,
      url: options.tradingStreamUrl,
      credentials: options.credentials,
      onUpdate: (update) => {
        for (const listener of this.#listeners) listener(update);
      },
      onStateChange: (state) => {
        if (state === 'ready') markReady();
      },
    });
  }

  /** Connects the order-event stream; resolves once it listens. */
  async connect(): Promise<void> {
    this.stream.start();
    await this.#ready;
  }

  async close(): Promise<void> {
    await this.stream.stop();
    await this.client.close();
  }

  submitOrder(request: OrderRequest): Promise<VenueOrder> {
    return this.client.submitOrder(request);
  }

  cancelOrder(orderId: string): Promise<void> {
    return this.client.cancelOrder(orderId);
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
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
