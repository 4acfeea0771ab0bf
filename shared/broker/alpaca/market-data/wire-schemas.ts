/**
 * Schemas of Alpaca's market-data wire: the stream's control and data messages (stocks v2,
 * crypto v1beta3), the client's actions, and the historical/latest/snapshot REST bodies.
 * Written from Alpaca's documentation (https://docs.alpaca.markets/docs/streaming-market-data,
 * https://docs.alpaca.markets/docs/real-time-stock-pricing-data,
 * https://docs.alpaca.markets/docs/real-time-crypto-pricing-data and
 * https://docs.alpaca.markets/docs/historical-api); strict objects, so a misspelt or extra key in
 * what the simulator sends fails the tests that validate it.
 *
 * Timestamps are RFC 3339 strings here. In MessagePack mode they travel as the timestamp
 * extension (−1); decode them to the same string form before validating.
 */
import { z } from 'zod';

/** RFC 3339 in UTC with 0–9 fractional digits, trailing zeros trimmed, as Alpaca sends. */
export const RFC3339_NANOS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{0,8}[1-9])?Z$/;

const timestamp = z.string().regex(RFC3339_NANOS, 'RFC 3339 UTC timestamp with up to 9 fractional digits');
const price = z.number().finite().nonnegative();
const stockSize = z.number().int().nonnegative();
const cryptoSize = z.number().finite().nonnegative();
const exchangeCode = z.string().regex(/^[A-Z]$/, 'one-letter exchange code');
const tape = z.enum(['A', 'B', 'C', 'O']);
const stockSymbol = z.string().regex(/^[A-Z][A-Z0-9.]{0,9}$/);
const cryptoSymbol = z.string().regex(/^[A-Z0-9]{2,10}\/[A-Z]{3,4}$/);

// ---------------------------------------------------------------- stream: control messages

export const successMessageSchema = z.strictObject({
  T: z.literal('success'),
  msg: z.enum(['connected', 'authenticated']),
});

/** The stream's error codes and their exact texts (protocol §1.5). */
export const STREAM_ERRORS = {
  400: 'invalid syntax',
  401: 'not authenticated',
  402: 'auth failed',
  403: 'already authenticated',
  404: 'auth timeout',
  405: 'symbol limit exceeded',
  406: 'connection limit exceeded',
  407: 'slow client',
  409: 'insufficient subscription',
  410: 'invalid subscribe action for this feed',
  500: 'internal error',
} as const;

export type StreamErrorCode = keyof typeof STREAM_ERRORS;

export const errorMessageSchema = z
  .strictObject({ T: z.literal('error'), code: z.number().int(), msg: z.string() })
  .refine((message) => STREAM_ERRORS[message.code as StreamErrorCode] === message.msg, {
    message: 'error code and text must be one of Alpaca’s pairs',
  });

const symbolList = z.array(z.string());

export const stockSubscriptionMessageSchema = z.strictObject({
  T: z.literal('subscription'),
  trades: symbolList,
  quotes: symbolList,
  bars: symbolList,
  updatedBars: symbolList,
  dailyBars: symbolList,
  statuses: symbolList,
  lulds: symbolList,
  corrections: symbolList,
  cancelErrors: symbolList,
});

export const cryptoSubscriptionMessageSchema = z.strictObject({
  T: z.literal('subscription'),
  trades: symbolList,
  quotes: symbolList,
  orderbooks: symbolList,
  bars: symbolList,
  updatedBars: symbolList,
  dailyBars: symbolList,
});

// ---------------------------------------------------------------- stream: stock data

export const stockTradeMessageSchema = z.strictObject({
  T: z.literal('t'),
  S: stockSymbol,
  i: z.number().int().nonnegative(),
  x: exchangeCode,
  p: price,
  s: stockSize,
  c: z.array(z.string()),
  z: tape,
  t: timestamp,
});

export const stockQuoteMessageSchema = z.strictObject({
  T: z.literal('q'),
  S: stockSymbol,
  bx: exchangeCode,
  bp: price,
  bs: stockSize,
  ax: exchangeCode,
  ap: price,
  as: stockSize,
  c: z.array(z.string()),
  z: tape,
  t: timestamp,
});

const barFields = {
  o: price,
  h: price,
  l: price,
  c: price,
  n: z.number().int().nonnegative(),
  vw: price,
  t: timestamp,
};

export const stockBarMessageSchema = z.strictObject({
  T: z.enum(['b', 'u', 'd']),
  S: stockSymbol,
  v: stockSize,
  ...barFields,
});

export const tradingStatusMessageSchema = z.strictObject({
  T: z.literal('s'),
  S: stockSymbol,
  sc: z.string().min(1),
  sm: z.string(),
  rc: z.string(),
  rm: z.string(),
  z: tape,
  t: timestamp,
});

export const luldMessageSchema = z.strictObject({
  T: z.literal('l'),
  S: stockSymbol,
  u: price,
  d: price,
  i: z.string().min(1),
  z: tape,
  t: timestamp,
});

export const tradeCorrectionMessageSchema = z.strictObject({
  T: z.literal('c'),
  S: stockSymbol,
  x: exchangeCode,
  oi: z.number().int(),
  op: price,
  os: stockSize,
  oc: z.array(z.string()),
  ci: z.number().int(),
  cp: price,
  cs: stockSize,
  cc: z.array(z.string()),
  z: tape,
  t: timestamp,
});

export const tradeCancelMessageSchema = z.strictObject({
  T: z.literal('x'),
  S: stockSymbol,
  i: z.number().int(),
  x: exchangeCode,
  p: price,
  s: stockSize,
  a: z.enum(['C', 'E']),
  z: tape,
  t: timestamp,
});

export const stockDataMessageSchema = z.discriminatedUnion('T', [
  stockTradeMessageSchema,
  stockQuoteMessageSchema,
  stockBarMessageSchema,
  tradingStatusMessageSchema,
  luldMessageSchema,
  tradeCorrectionMessageSchema,
  tradeCancelMessageSchema,
]);

// ---------------------------------------------------------------- stream: crypto data

export const cryptoTradeMessageSchema = z.strictObject({
  T: z.literal('t'),
  S: cryptoSymbol,
  p: price,
  s: cryptoSize,
  t: timestamp,
  i: z.number().int().nonnegative(),
  tks: z.enum(['B', 'S']),
});

export const cryptoQuoteMessageSchema = z.strictObject({
  T: z.literal('q'),
  S: cryptoSymbol,
  bp: price,
  bs: cryptoSize,
  ap: price,
  as: cryptoSize,
  t: timestamp,
});

export const cryptoBarMessageSchema = z.strictObject({
  T: z.enum(['b', 'u', 'd']),
  S: cryptoSymbol,
  v: cryptoSize,
  ...barFields,
});

const bookLevel = z.strictObject({ p: price, s: cryptoSize });

export const orderBookMessageSchema = z.strictObject({
  T: z.literal('o'),
  S: cryptoSymbol,
  t: timestamp,
  b: z.array(bookLevel),
  a: z.array(bookLevel),
  r: z.boolean().optional(),
});

export const cryptoDataMessageSchema = z.discriminatedUnion('T', [
  cryptoTradeMessageSchema,
  cryptoQuoteMessageSchema,
  cryptoBarMessageSchema,
  orderBookMessageSchema,
]);

// ---------------------------------------------------------------- stream: client actions

export const authActionSchema = z.object({
  action: z.literal('auth'),
  key: z.string(),
  secret: z.string(),
});

const channelList = z.array(z.string()).optional();

export const subscriptionActionSchema = z.object({
  action: z.enum(['subscribe', 'unsubscribe']),
  trades: channelList,
  quotes: channelList,
  bars: channelList,
  updatedBars: channelList,
  dailyBars: channelList,
  statuses: channelList,
  lulds: channelList,
  imbalances: channelList,
  orderbooks: channelList,
  corrections: channelList,
  cancelErrors: channelList,
  pricing: channelList,
});

// ---------------------------------------------------------------- REST

export const restErrorSchema = z.union([
  z.strictObject({ code: z.number().int().min(10_000_000).max(99_999_999), message: z.string().min(1) }),
  // The data API's gateway answers auth failures with a bare message.
  z.strictObject({ message: z.string().min(1) }),
]);

export const restBarSchema = z.strictObject({ v: z.number().nonnegative(), ...barFields });

export const restStockTradeSchema = z.strictObject({
  t: timestamp,
  x: exchangeCode,
  p: price,
  s: stockSize,
  c: z.array(z.string()),
  i: z.number().int().nonnegative(),
  z: tape,
});

export const restStockQuoteSchema = z.strictObject({
  t: timestamp,
  ax: exchangeCode,
  ap: price,
  as: stockSize,
  bx: exchangeCode,
  bp: price,
  bs: stockSize,
  c: z.array(z.string()),
  z: tape,
});

export const restCryptoTradeSchema = z.strictObject({
  t: timestamp,
  p: price,
  s: cryptoSize,
  i: z.number().int().nonnegative(),
  tks: z.enum(['B', 'S']),
});

export const restCryptoQuoteSchema = z.strictObject({
  t: timestamp,
  bp: price,
  bs: cryptoSize,
  ap: price,
  as: cryptoSize,
});

export const restOrderBookSchema = z.strictObject({
  t: timestamp,
  b: z.array(bookLevel),
  a: z.array(bookLevel),
});

const pageToken = z.string().min(1).nullable();

export const singleBarsResponseSchema = z.strictObject({
  bars: z.array(restBarSchema).nullable(),
  symbol: z.string(),
  next_page_token: pageToken,
});

export const singleTradesResponseSchema = z.strictObject({
  trades: z.array(restStockTradeSchema).nullable(),
  symbol: z.string(),
  next_page_token: pageToken,
});

export const singleQuotesResponseSchema = z.strictObject({
  quotes: z.array(restStockQuoteSchema).nullable(),
  symbol: z.string(),
  next_page_token: pageToken,
});

export const multiBarsResponseSchema = z.strictObject({
  bars: z.record(z.string(), z.array(restBarSchema)),
  next_page_token: pageToken,
});
export const multiStockTradesResponseSchema = z.strictObject({
  trades: z.record(z.string(), z.array(restStockTradeSchema)),
  next_page_token: pageToken,
});
export const multiStockQuotesResponseSchema = z.strictObject({
  quotes: z.record(z.string(), z.array(restStockQuoteSchema)),
  next_page_token: pageToken,
});
export const multiCryptoTradesResponseSchema = z.strictObject({
  trades: z.record(z.string(), z.array(restCryptoTradeSchema)),
  next_page_token: pageToken,
});
export const multiCryptoQuotesResponseSchema = z.strictObject({
  quotes: z.record(z.string(), z.array(restCryptoQuoteSchema)),
  next_page_token: pageToken,
});

export const latestStockTradeResponseSchema = z.strictObject({
  symbol: z.string(),
  trade: restStockTradeSchema,
});
export const latestStockQuoteResponseSchema = z.strictObject({
  symbol: z.string(),
  quote: restStockQuoteSchema,
});
export const latestBarResponseSchema = z.strictObject({ symbol: z.string(), bar: restBarSchema });
export const latestStockTradesResponseSchema = z.strictObject({
  trades: z.record(z.string(), restStockTradeSchema),
});
export const latestStockQuotesResponseSchema = z.strictObject({
  quotes: z.record(z.string(), restStockQuoteSchema),
});
export const latestBarsResponseSchema = z.strictObject({ bars: z.record(z.string(), restBarSchema) });
export const latestCryptoTradesResponseSchema = z.strictObject({
  trades: z.record(z.string(), restCryptoTradeSchema),
});
export const latestCryptoQuotesResponseSchema = z.strictObject({
  quotes: z.record(z.string(), restCryptoQuoteSchema),
});
export const latestOrderBooksResponseSchema = z.strictObject({
  orderbooks: z.record(z.string(), restOrderBookSchema),
});

function snapshot<T extends z.ZodType, Q extends z.ZodType>(trade: T, quote: Q) {
  return z.strictObject({
    latestTrade: trade.nullable(),
    latestQuote: quote.nullable(),
    minuteBar: restBarSchema.nullable(),
    dailyBar: restBarSchema.nullable(),
    prevDailyBar: restBarSchema.nullable(),
  });
}

export const stockSnapshotSchema = snapshot(restStockTradeSchema, restStockQuoteSchema);
export const singleStockSnapshotResponseSchema = stockSnapshotSchema.extend({ symbol: z.string() });
/** GET /v2/stocks/snapshots: the snapshots keyed by symbol at the top level. */
export const multiStockSnapshotsResponseSchema = z.record(z.string(), stockSnapshotSchema);
export const cryptoSnapshotsResponseSchema = z.strictObject({
  snapshots: z.record(z.string(), snapshot(restCryptoTradeSchema, restCryptoQuoteSchema)),
});
