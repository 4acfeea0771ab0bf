/**
 * One connection's subscriptions: per channel a set of symbols or the `*` wildcard. Alpaca's
 * subscribe is additive and unsubscribe subtractive; every change is answered with the
 * complete current set (protocol §1.4, §1.5).
 */
import type { Channel, Feed } from './stream-feeds.ts';

export type SubscriptionChange =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 400 | 405 | 410; readonly detail: string };

/** Channels a client may name but never subscribe to directly: they follow `trades`. */
const DERIVED_CHANNELS = new Set(['corrections', 'cancelErrors']);
const STOCK_SYMBOL = /^[A-Z][A-Z0-9.-]{0,10}$/;
const CRYPTO_SYMBOL = /^[A-Z0-9]{2,10}\/[A-Z]{3,4}$/;

export class StreamSubscriptions {
  readonly #feed: Feed;
  readonly #symbolLimit: number;
  readonly #symbols = new Map<Channel, Set<string>>();

  constructor(feed: Feed, symbolLimit: number) {
    this.#feed = feed;
    this.#symbolLimit = symbolLimit;
    for (const channel of feed.channels) this.#symbols.set(channel, new Set());
  }

  /** True when `symbol` is wanted on `channel` (hot path: two set look-ups). */
  wants(channel: Channel, symbol: string): boolean {
    const set = this.#symbols.get(channel);
    return set !== undefined && set.size > 0 && (set.has(symbol) || set.has('*'));
  }

  get empty(): boolean {
    for (const set of this.#symbols.values()) if (set.size > 0) return false;
    return true;
  }

  /** Applies a subscribe or unsubscribe action atomically: on any error nothing changes. */
  apply(action: 'subscribe' | 'unsubscribe', request: Readonly<Record<string, unknown>>): SubscriptionChange {
    const changes: [Set<string>, string[]][] = [];
    for (const [key, value] of Object.entries(request)) {
      if (key === 'action') continue;
      if (DERIVED_CHANNELS.has(key) || !this.#feed.channels.includes(key as Channel)) {
        return { ok: false, code: 410, detail: `channel ${key} is not offered on ${this.#feed.path}` };
      }
      if (!Array.isArray(value) || !value.every((symbol) => typeof symbol === 'string')) {
        return { ok: false, code: 400, detail: `${key} must be an array of symbols` };
      }
      const symbols = value as string[];
      const pattern = this.#feed.assetClass === 'crypto' ? CRYPTO_SYMBOL : STOCK_SYMBOL;
      const bad = symbols.find((symbol) => symbol !== '*' && !pattern.test(symbol));
      if (bad !== undefined) return { ok: false, code: 400, detail: `invalid symbol ${JSON.stringify(bad)}` };
      changes.push([this.#symbols.get(key as Channel)!, symbols]);
    }
    if (action === 'subscribe') {
      const distinct = new Set<string>();
      for (const set of this.#symbols.values()) for (const symbol of set) distinct.add(symbol);
      for (const [, symbols] of changes) for (const symbol of symbols) distinct.add(symbol);
      distinct.delete('*');
      if (distinct.size > this.#symbolLimit) {
        return {
          ok: false,
          code: 405,
          detail: `${distinct.size} symbols exceed the limit of ${this.#symbolLimit}`,
        };
      }
      for (const [set, symbols] of changes) for (const symbol of symbols) set.add(symbol);
    } else {
      for (const [set, symbols] of changes) for (const symbol of symbols) set.delete(symbol);
    }
    return { ok: true };
  }

  /** The `subscription` echo: every channel of the feed, corrections and cancelErrors mirroring trades. */
  echo(): Record<string, unknown> {
    const list = (channel: Channel): string[] => [...(this.#symbols.get(channel) ?? [])];
    if (this.#feed.assetClass === 'crypto') {
      return {
        T: 'subscription',
        trades: list('trades'),
        quotes: list('quotes'),
        orderbooks: list('orderbooks'),
        bars: list('bars'),
        updatedBars: list('updatedBars'),
        dailyBars: list('dailyBars'),
      };
    }
    return {
      T: 'subscription',
      trades: list('trades'),
      quotes: list('quotes'),
      bars: list('bars'),
      updatedBars: list('updatedBars'),
      dailyBars: list('dailyBars'),
      statuses: list('statuses'),
      lulds: list('lulds'),
      corrections: list('trades'),
      cancelErrors: list('trades'),
    };
  }
}
