/**
 * The market's events in Alpaca's wire shapes, for the stream (with `T` and `S`) and for REST
 * items (without). Keys follow the order of Alpaca's documented examples. `time` is the
 * timestamp already in the target encoding: an RFC 3339 string, or a MsgpackTimestamp for msgpack.
 *
 * Quotes and trades, nearly all of the stream, also have hand-built JSON encoders: string
 * concatenation costs a fraction of JSON.stringify on an object, which decides whether one
 * core can push 500,000 messages/s. A test checks both encoders agree.
 */
import type { BookLevel } from '../../shared/domain/market-data.ts';
import type {
  SimBar,
  SimLuld,
  SimOrderBook,
  SimQuote,
  SimStatus,
  SimTrade,
} from '../market/market-events.ts';
import { formatRfc3339, type MsgpackTimestamp } from './market-data-timestamps.ts';
import { priceText } from './price-text.ts';

export type WireTimeValue = string | MsgpackTimestamp;
export type WireObject = Record<string, unknown>;

const BAR_TYPES = { minute: 'b', updated: 'u', daily: 'd' } as const;

export function barType(bar: SimBar): 'b' | 'u' | 'd' {
  return BAR_TYPES[bar.kind];
}

function takerSide(trade: SimTrade): 'B' | 'S' {
  return trade.takerSide === 'sell' ? 'S' : 'B';
}

function levels(book: readonly BookLevel[]): { p: number; s: number }[] {
  return book.map((level) => ({ p: level.price, s: level.size }));
}

// ---------------------------------------------------------------- stream messages

export function stockTradeMessage(trade: SimTrade, time: WireTimeValue): WireObject {
  return {
    T: 't',
    S: trade.symbol,
    i: trade.id,
    x: trade.exchange,
    p: trade.price,
    s: trade.size,
    c: trade.conditions,
    z: trade.tape,
    t: time,
  };
}

export function stockQuoteMessage(quote: SimQuote, time: WireTimeValue): WireObject {
  return {
    T: 'q',
    S: quote.symbol,
    bx: quote.bidExchange,
    bp: quote.bidPrice,
    bs: quote.bidSize,
    ax: quote.askExchange,
    ap: quote.askPrice,
    as: quote.askSize,
    c: quote.conditions,
    z: quote.tape,
    t: time,
  };
}

export function cryptoTradeMessage(trade: SimTrade, time: WireTimeValue): WireObject {
  return {
    T: 't',
    S: trade.symbol,
    p: trade.price,
    s: trade.size,
    t: time,
    i: trade.id,
    tks: takerSide(trade),
  };
}

export function cryptoQuoteMessage(quote: SimQuote, time: WireTimeValue): WireObject {
  return {
    T: 'q',
    S: quote.symbol,
    bp: quote.bidPrice,
    bs: quote.bidSize,
    ap: quote.askPrice,
    as: quote.askSize,
    t: time,
  };
}

export function barMessage(bar: SimBar, time: WireTimeValue): WireObject {
  return { T: barType(bar), S: bar.symbol, ...restBar(bar, time) };
}

export function statusMessage(status: SimStatus, time: WireTimeValue): WireObject {
  return {
    T: 's',
    S: status.symbol,
    sc: status.statusCode,
    sm: status.statusMessage,
    rc: status.reasonCode,
    rm: status.reasonMessage,
    t: time,
    z: status.tape,
  };
}

export function luldMessage(luld: SimLuld, time: WireTimeValue): WireObject {
  return {
    T: 'l',
    S: luld.symbol,
    u: luld.limitUp,
    d: luld.limitDown,
    i: luld.indicator,
    t: time,
    z: luld.tape,
  };
}

export function orderBookMessage(book: SimOrderBook, time: WireTimeValue): WireObject {
  const message: WireObject = { T: 'o', S: book.symbol, t: time, b: levels(book.bids), a: levels(book.asks) };
  if (book.reset) message.r = true;
  return message;
}

// ---------------------------------------------------------------- hand-built JSON (hot path)

function jsonStrings(values: readonly string[]): string {
  if (values.length === 0) return '[]';
  if (values.length === 1) return `["${values[0]}"]`;
  return `["${values.join('","')}"]`;
}

/** Symbols, exchange codes and conditions never need escaping: they are validated upper-case codes. */
export function stockTradeJson(trade: SimTrade): string {
  return `{"T":"t","S":"${trade.symbol}","i":${trade.id},"x":"${trade.exchange}","p":${priceText(trade.price)},"s":${trade.size},"c":${jsonStrings(trade.conditions)},"z":"${trade.tape}","t":"${formatRfc3339(trade.timestampUs, trade.nanos)}"}`;
}

export function stockQuoteJson(quote: SimQuote): string {
  return `{"T":"q","S":"${quote.symbol}","bx":"${quote.bidExchange}","bp":${priceText(quote.bidPrice)},"bs":${quote.bidSize},"ax":"${quote.askExchange}","ap":${priceText(quote.askPrice)},"as":${quote.askSize},"c":${jsonStrings(quote.conditions)},"z":"${quote.tape}","t":"${formatRfc3339(quote.timestampUs, quote.nanos)}"}`;
}

export function cryptoTradeJson(trade: SimTrade): string {
  return `{"T":"t","S":"${trade.symbol}","p":${priceText(trade.price)},"s":${trade.size},"t":"${formatRfc3339(trade.timestampUs, trade.nanos)}","i":${trade.id},"tks":"${takerSide(trade)}"}`;
}

export function cryptoQuoteJson(quote: SimQuote): string {
  return `{"T":"q","S":"${quote.symbol}","bp":${priceText(quote.bidPrice)},"bs":${quote.bidSize},"ap":${priceText(quote.askPrice)},"as":${quote.askSize},"t":"${formatRfc3339(quote.timestampUs, quote.nanos)}"}`;
}

// ---------------------------------------------------------------- REST items

export function restBar(bar: SimBar, time: WireTimeValue = formatRfc3339(bar.startUs, 0)): WireObject {
  return {
    o: bar.open,
    h: bar.high,
    l: bar.low,
    c: bar.close,
    v: bar.volume,
    n: bar.tradeCount,
    vw: bar.vwap,
    t: time,
  };
}

export function restStockTrade(trade: SimTrade): WireObject {
  return {
    t: formatRfc3339(trade.timestampUs, trade.nanos),
    x: trade.exchange,
    p: trade.price,
    s: trade.size,
    c: trade.conditions,
    i: trade.id,
    z: trade.tape,
  };
}

export function restStockQuote(quote: SimQuote): WireObject {
  return {
    t: formatRfc3339(quote.timestampUs, quote.nanos),
    ax: quote.askExchange,
    ap: quote.askPrice,
    as: quote.askSize,
    bx: quote.bidExchange,
    bp: quote.bidPrice,
    bs: quote.bidSize,
    c: quote.conditions,
    z: quote.tape,
  };
}

export function restCryptoTrade(trade: SimTrade): WireObject {
  return {
    t: formatRfc3339(trade.timestampUs, trade.nanos),
    p: trade.price,
    s: trade.size,
    i: trade.id,
    tks: takerSide(trade),
  };
}

export function restCryptoQuote(quote: SimQuote): WireObject {
  return {
    t: formatRfc3339(quote.timestampUs, quote.nanos),
    bp: quote.bidPrice,
    bs: quote.bidSize,
    ap: quote.askPrice,
    as: quote.askSize,
  };
}

export function restOrderBook(book: SimOrderBook): WireObject {
  return { t: formatRfc3339(book.timestampUs, book.nanos), b: levels(book.bids), a: levels(book.asks) };
}
