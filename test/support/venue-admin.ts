/**
 * The simulator's admin API as a test drives it over HTTP: prices held where the test puts them
 * (re-sent every 500 ms so the engine's reference never goes stale), the venue's own view of
 * orders and positions, and what it refused.
 */
import { AlpacaTradingClient } from '../../shared/broker/alpaca/trading-client.ts';
import { DEFAULT_SIM_KEY_ID, DEFAULT_SIM_SECRET_KEY } from '../../shared/broker/simulator-credentials.ts';
import { formatFixed } from '../../shared/domain/fixed.ts';
import type { VenueOrder } from '../../shared/venue/venue-types.ts';

const REFRESH_MS = 500;

interface HeldQuote {
  readonly bidPrice: number;
  readonly askPrice: number;
  readonly bidSize: number;
  readonly askSize: number;
}

export class VenueAdmin {
  readonly broker: AlpacaTradingClient;
  readonly #baseUrl: string;
  readonly #held = new Map<string, HeldQuote>();
  readonly #timer: NodeJS.Timeout;

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
    this.broker = new AlpacaTradingClient({
      baseUrl,
      credentials: { keyId: DEFAULT_SIM_KEY_ID, secretKey: DEFAULT_SIM_SECRET_KEY },
    });
    this.#timer = setInterval(() => {
      for (const [symbol, quote] of this.#held) void this.#postQuote(symbol, quote).catch(() => undefined);
    }, REFRESH_MS);
  }

  /** Publishes a quote and holds the symbol there (the generator stops moving it). */
  async quote(symbol: string, bidPrice: number, askPrice = bidPrice + 0.02, size = 500): Promise<void> {
    const quote = { bidPrice, askPrice, bidSize: size, askSize: size };
    this.#held.set(symbol, quote);
    await this.#postQuote(symbol, quote);
  }

  /** Signed position per symbol at the venue, as text ('10', '-5'); flat symbols are absent. */
  async positions(): Promise<Record<string, string>> {
    const positions = await this.broker.listPositions();
    return Object.fromEntries(positions.map((position) => [position.symbol, formatFixed(position.qty)]));
  }

  async orders(symbol?: string): Promise<VenueOrder[]> {
    const orders = await this.broker.listOrders({ status: 'all', limit: 500, direction: 'asc' });
    return symbol === undefined ? orders : orders.filter((order) => order.symbol === symbol);
  }

  /** Arms one trading REST fault (see docs/simulator.md, trading admin). */
  async fault(fault: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.#baseUrl}/admin/trading/faults/rest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (!response.ok) throw new Error(`fault: HTTP ${response.status} ${await response.text()}`);
  }

  /** Trading requests the venue refused, by HTTP status. */
  async refusedRequests(): Promise<Record<string, number>> {
    const response = await fetch(`${this.#baseUrl}/admin/trading/state`);
    const state = (await response.json()) as { refused_requests: Record<string, number> };
    return state.refused_requests;
  }

  /** Polls until `check` holds, or fails with the last value seen. */
  async until<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let last: T = await read();
    while (!check(last)) {
      if (Date.now() > deadline)
        throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await read();
    }
    return last;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.broker.close();
  }

  async #postQuote(symbol: string, quote: HeldQuote): Promise<void> {
    const response = await fetch(`${this.#baseUrl}/admin/marketdata/quote`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ symbol, ...quote, hold: true }),
    });
    if (!response.ok) throw new Error(`quote ${symbol}: HTTP ${response.status} ${await response.text()}`);
  }
}
