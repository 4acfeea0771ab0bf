/**
 * The market-data REST endpoints of data.alpaca.markets that an engine uses to backfill a gap:
 * historical bars, trades and quotes with paging; latest trade, quote and bar; snapshots.
 * Stocks under /v2/stocks, crypto under /v1beta3/crypto/us. Stocks need the key headers (the
 * data API answers bad keys with 403, protocol §4.1); crypto needs none, as on Alpaca. Requests
 * with keys draw on the data API's own per-key quota, apart from the trading API's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.ts';
import { authenticateRequest } from '../http/auth.ts';
import { type HttpReply, writeReply } from '../http/http-io.ts';
import { type RateLimiter, rateLimitedReply } from '../http/rate-limiter.ts';
import type { SimMarket } from '../market/market.ts';
import type { SimBar, SimQuote, SimTrade } from '../market/market-events.ts';
import {
  afterPosition,
  aggregatedBars,
  collectPage,
  type Page,
  type Positioned,
  type SymbolFetcher,
} from './history-pages.ts';
import {
  type HistoryQuery,
  parseHistoryQuery,
  parseSymbols,
  type QueryResult,
  validateCommon,
} from './rest-query.ts';
import {
  restBar,
  restCryptoQuote,
  restCryptoTrade,
  restOrderBook,
  restStockQuote,
  restStockTrade,
  type WireObject,
} from './wire-messages.ts';

type Json = Record<string, unknown>;
type Reply = { readonly status: number; readonly body: unknown };
type Kind = 'bars' | 'trades' | 'quotes';

const STOCKS = '/v2/stocks/';
const CRYPTO = '/v1beta3/crypto/us/';
const ERROR_CODES: Readonly<Record<number, number>> = {
  400: 40010001,
  404: 40410000,
  405: 40510000,
  422: 42210000,
};

function error(status: number, message: string): Reply {
  return { status, body: { code: ERROR_CODES[status] ?? status * 100_000, message } };
}

function failure(result: { status: 400 | 422; message: string }): Reply {
  return error(result.status, result.message);
}

export class MarketDataRest {
  readonly #context: SimContext;
  readonly #market: SimMarket;
  readonly #limiter: RateLimiter;

  constructor(context: SimContext, market: SimMarket, limiter: RateLimiter) {
    this.#context = context;
    this.#market = market;
    this.#limiter = limiter;
  }

  handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    const path = url.pathname;
    const crypto = path.startsWith(CRYPTO);
    if (!crypto && !path.startsWith(STOCKS)) return false;
    writeReply(response, this.#answer(request, url, crypto));
    return true;
  }

  #answer(request: IncomingMessage, url: URL, crypto: boolean): HttpReply {
    const headers = request.headers;
    // Alpaca serves crypto data without keys (the SDK sends none). Its quota is documented per
    // key only, so a keyless request counts against nothing here; keys that are sent must be right.
    if (crypto && headers['apca-api-key-id'] === undefined && headers['apca-api-secret-key'] === undefined) {
      return this.#route(request, url, crypto);
    }
    const authentication = authenticateRequest(this.#context.credentials, headers);
    if (authentication.kind !== 'authenticated') return { status: 403, body: { message: 'forbidden.' } };
    const quota = this.#limiter.take(authentication.keyId);
    if (!quota.allowed) return rateLimitedReply(quota);
    return { ...this.#route(request, url, crypto), headers: quota.headers };
  }

  #route(request: IncomingMessage, url: URL, crypto: boolean): Reply {
    if (request.method !== 'GET') return error(405, 'method not allowed');
    const rest = url.pathname.slice((crypto ? CRYPTO : STOCKS).length);
    const segments = rest.split('/').map((segment) => decodeURIComponent(segment));
    const params = url.searchParams;
    if (crypto) return this.#cryptoRoute(segments, params);
    // /v2/stocks/{bars|trades|quotes}[/latest], /v2/stocks/snapshots
    // /v2/stocks/{symbol}/{bars|trades|quotes}[/latest], /v2/stocks/{symbol}/snapshot
    const [first = '', second, third, extra] = segments;
    if (extra !== undefined) return error(404, 'not found');
    if (first === 'snapshots' && second === undefined) return this.#snapshots(params, false);
    if (isKind(first)) {
      if (second === undefined) return this.#history(first, params, false, undefined);
      if (second === 'latest' && third === undefined) return this.#latestMulti(first, params, false);
      return error(404, 'not found');
    }
    if (second === 'snapshot' && third === undefined) return this.#snapshotSingle(first, params);
    if (second !== undefined && isKind(second)) {
      if (third === undefined) return this.#history(second, params, false, first);
      if (third === 'latest') return this.#latestSingle(second, first, params);
    }
    return error(404, 'not found');
  }

  #cryptoRoute(segments: string[], params: URLSearchParams): Reply {
    const [first = '', second, third] = segments;
    if (third !== undefined) return error(404, 'not found');
    if (isKind(first) && second === undefined) return this.#history(first, params, true, undefined);
    if (first === 'snapshots' && second === undefined) return this.#snapshots(params, true);
    if (first === 'latest' && second !== undefined) {
      if (isKind(second)) return this.#latestMulti(second, params, true);
      if (second === 'orderbooks') return this.#latestOrderBooks(params);
    }
    return error(404, 'not found');
  }

  #history(kind: Kind, params: URLSearchParams, crypto: boolean, pathSymbol: string | undefined): Reply {
    const parsed = parseHistoryQuery(params, {
      crypto,
      needsTimeframe: kind === 'bars',
      nowUs: this.#market.nowUs(),
      ...(pathSymbol === undefined ? {} : { pathSymbol }),
    });
    if (!parsed.ok) return failure(parsed);
    const query = parsed.value;
    const page = this.#page(kind, query, crypto);
    if (!page.ok) return failure(page);
    const { bySymbol, nextPageToken } = page.value;
    if (pathSymbol !== undefined) {
      return {
        status: 200,
        body: {
          [kind]: bySymbol.get(query.symbols[0]!) ?? [],
          symbol: pathSymbol,
          next_page_token: nextPageToken,
        },
      };
    }
    return { status: 200, body: { [kind]: Object.fromEntries(bySymbol), next_page_token: nextPageToken } };
  }

  #page(kind: Kind, query: HistoryQuery, crypto: boolean): QueryResult<Page<WireObject>> {
    const history = this.#market.history;
    let fetch: SymbolFetcher<WireObject>;
    if (kind === 'bars') {
      fetch = (symbol, after, max) =>
        afterPosition(
          aggregatedBars(history, symbol, query.timeframe!, query.startUs, query.endUs, query.sort),
          after,
          query.sort,
          max,
        ).map(({ position, item }) => ({ position, item: restBar(item) }));
    } else {
      const ticks = kind === 'trades' ? history.trades : history.quotes;
      const toWire = tickEncoder(kind, crypto);
      fetch = (symbol, after, max) => {
        const ring = ticks(symbol);
        if (ring === undefined) return [];
        const page = ring.query({
          startUs: query.startUs,
          endUs: query.endUs,
          sort: query.sort,
          limit: max,
          ...(after === undefined ? {} : { afterSeq: after }),
        });
        return page.items.map(
          ({ seq, item }): Positioned<WireObject> => ({ position: seq, item: toWire(item) }),
        );
      };
    }
    return collectPage(query.symbols, query.limit, query.pageToken, fetch);
  }

  #latestSingle(kind: Kind, symbol: string, params: URLSearchParams): Reply {
    const symbols = parseSymbols(symbol, false);
    if (!symbols.ok) return failure(symbols);
    const common = validateCommon(params, false);
    if (!common.ok) return failure(common);
    const item = this.#latest(kind, symbol, false);
    if (item === undefined) return error(404, `no ${kind.slice(0, -1)} found for ${symbol}`);
    return { status: 200, body: { symbol, [kind.slice(0, -1)]: item } };
  }

  #latestMulti(kind: Kind, params: URLSearchParams, crypto: boolean): Reply {
    const symbols = parseSymbols(params.get('symbols') ?? undefined, crypto);
    if (!symbols.ok) return failure(symbols);
    const common = validateCommon(params, crypto);
    if (!common.ok) return failure(common);
    const found: Json = {};
    for (const symbol of symbols.value) {
      const item = this.#latest(kind, symbol, crypto);
      if (item !== undefined) found[symbol] = item;
    }
    return { status: 200, body: { [kind]: found } };
  }

  #latest(kind: Kind, symbol: string, crypto: boolean): WireObject | undefined {
    if (kind === 'bars') {
      const bar = this.#market.history.bars(symbol)?.latestMinute();
      return bar === undefined ? undefined : restBar(bar);
    }
    const item = kind === 'trades' ? this.#market.latestTrade(symbol) : this.#market.latestQuote(symbol);
    return item === undefined ? undefined : tickEncoder(kind, crypto)(item);
  }

  #latestOrderBooks(params: URLSearchParams): Reply {
    const symbols = parseSymbols(params.get('symbols') ?? undefined, true);
    if (!symbols.ok) return failure(symbols);
    const books: Json = {};
    for (const symbol of symbols.value) {
      const book = this.#market.orderBookSnapshot(symbol);
      if (book !== undefined) books[symbol] = restOrderBook(book);
    }
    return { status: 200, body: { orderbooks: books } };
  }

  #snapshot(symbol: string, crypto: boolean): Json | undefined {
    if (!this.#market.symbols.includes(symbol)) return undefined;
    const bar = (value: SimBar | undefined): WireObject | null =>
      value === undefined ? null : restBar(value);
    const trade = this.#market.latestTrade(symbol);
    const quote = this.#market.latestQuote(symbol);
    return {
      latestTrade: trade === undefined ? null : tickEncoder('trades', crypto)(trade),
      latestQuote: quote === undefined ? null : tickEncoder('quotes', crypto)(quote),
      minuteBar: bar(this.#market.history.bars(symbol)?.latestMinute()),
      dailyBar: bar(this.#market.latestDailyBar(symbol)),
      prevDailyBar: bar(this.#market.previousDailyBar(symbol)),
    };
  }

  #snapshotSingle(symbol: string, params: URLSearchParams): Reply {
    const symbols = parseSymbols(symbol, false);
    if (!symbols.ok) return failure(symbols);
    const common = validateCommon(params, false);
    if (!common.ok) return failure(common);
    const snapshot = this.#snapshot(symbol, false);
    if (snapshot === undefined) return error(404, `asset not found for ${symbol}`);
    return { status: 200, body: { symbol, ...snapshot } };
  }

  #snapshots(params: URLSearchParams, crypto: boolean): Reply {
    const symbols = parseSymbols(params.get('symbols') ?? undefined, crypto);
    if (!symbols.ok) return failure(symbols);
    const common = validateCommon(params, crypto);
    if (!common.ok) return failure(common);
    const snapshots: Json = {};
    for (const symbol of symbols.value) {
      const snapshot = this.#snapshot(symbol, crypto);
      if (snapshot !== undefined) snapshots[symbol] = snapshot;
    }
    return { status: 200, body: crypto ? { snapshots } : snapshots };
  }
}

function isKind(segment: string | undefined): segment is Kind {
  return segment === 'bars' || segment === 'trades' || segment === 'quotes';
}

function tickEncoder(kind: 'trades' | 'quotes', crypto: boolean): (item: SimTrade | SimQuote) => WireObject {
  if (kind === 'trades') return (item) => (crypto ? restCryptoTrade : restStockTrade)(item as SimTrade);
  return (item) => (crypto ? restCryptoQuote : restStockQuote)(item as SimQuote);
}
