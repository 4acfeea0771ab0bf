/**
 * The replay file format: NDJSON, one Alpaca market-data stream message per line, exactly as
 * the stream sends it in JSON mode (`{"T":"q","S":"AAPL",...,"t":"2024-03-12T14:30:00.123456789Z"}`).
 * Stock trades, quotes, bars (b/u/d), trading statuses and LULD bands; crypto trades, quotes,
 * bars and order books. Blank lines and lines starting with `#` are skipped. Each line is
 * validated against the market-data schemas and turned into the market's event shape.
 */
import {
  cryptoDataMessageSchema,
  stockDataMessageSchema,
} from '../../shared/broker/alpaca/market-data/wire-schemas.ts';
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { SimMarket } from '../market/market.ts';
import type {
  SimBar,
  SimLuld,
  SimOrderBook,
  SimQuote,
  SimStatus,
  SimTrade,
} from '../market/market-events.ts';

export type ReplayEvent =
  | { readonly kind: 'quote'; readonly event: SimQuote }
  | { readonly kind: 'trade'; readonly event: SimTrade }
  | { readonly kind: 'bar'; readonly event: SimBar }
  | { readonly kind: 'status'; readonly event: SimStatus }
  | { readonly kind: 'luld'; readonly event: SimLuld }
  | { readonly kind: 'orderBook'; readonly event: SimOrderBook };

export type ParsedLine =
  | { readonly ok: true; readonly event: ReplayEvent; readonly timestampUs: number }
  | { readonly ok: false; readonly reason: string }
  | { readonly ok: true; readonly event: undefined };

const BAR_KINDS = { b: 'minute', u: 'updated', d: 'daily' } as const;
const NO_CONDITIONS: readonly string[] = Object.freeze([]);

/** Epoch µs and the nanoseconds within the µs of an RFC 3339 UTC stamp. */
export function parseStamp(text: string): { timestampUs: number; nanos: number } {
  const dot = text.indexOf('.', 19);
  const secondsMs = Date.parse(`${text.slice(0, 19)}Z`);
  const fraction = dot < 0 ? '' : text.slice(dot + 1, -1);
  const digits = fraction.padEnd(9, '0');
  return { timestampUs: secondsMs * 1000 + Number(digits.slice(0, 6)), nanos: Number(digits.slice(6, 9)) };
}

export function parseReplayLine(line: string): ParsedLine {
  const trimmed = line.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return { ok: true, event: undefined };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  const symbol = (json as { S?: unknown } | null)?.S;
  const crypto = typeof symbol === 'string' && isCryptoSymbol(symbol);
  const parsed = (crypto ? cryptoDataMessageSchema : stockDataMessageSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'message'}: ${issue.message}` };
  }
  const message = parsed.data;
  const stamp = parseStamp(message.t);
  const event = toEvent(message, stamp);
  if (event === undefined) return { ok: false, reason: `message type ${message.T} is not replayable` };
  return { ok: true, event, timestampUs: stamp.timestampUs };
}

type Message =
  | ReturnType<typeof stockDataMessageSchema.parse>
  | ReturnType<typeof cryptoDataMessageSchema.parse>;

function toEvent(message: Message, stamp: { timestampUs: number; nanos: number }): ReplayEvent | undefined {
  const symbol = message.S;
  switch (message.T) {
    case 'q':
      return {
        kind: 'quote',
        event: {
          symbol,
          bidPrice: message.bp,
          bidSize: message.bs,
          askPrice: message.ap,
          askSize: message.as,
          ...stamp,
          bidExchange: 'bx' in message ? message.bx : '',
          askExchange: 'ax' in message ? message.ax : '',
          conditions: 'c' in message ? message.c : NO_CONDITIONS,
          tape: 'z' in message ? message.z : '',
        },
      };
    case 't':
      return {
        kind: 'trade',
        event: {
          symbol,
          id: message.i,
          price: message.p,
          size: message.s,
          ...stamp,
          takerSide: 'tks' in message ? (message.tks === 'B' ? 'buy' : 'sell') : 'unknown',
          exchange: 'x' in message ? message.x : '',
          conditions: 'c' in message ? message.c : NO_CONDITIONS,
          tape: 'z' in message ? message.z : '',
        },
      };
    case 'b':
    case 'u':
    case 'd':
      return {
        kind: 'bar',
        event: {
          symbol,
          kind: BAR_KINDS[message.T],
          startUs: stamp.timestampUs,
          open: message.o,
          high: message.h,
          low: message.l,
          close: message.c,
          volume: message.v,
          tradeCount: message.n,
          vwap: message.vw,
        },
      };
    case 's':
      return {
        kind: 'status',
        event: {
          symbol,
          statusCode: message.sc,
          statusMessage: message.sm,
          reasonCode: message.rc,
          reasonMessage: message.rm,
          ...stamp,
          tape: message.z,
        },
      };
    case 'l':
      return {
        kind: 'luld',
        event: {
          symbol,
          limitUp: message.u,
          limitDown: message.d,
          indicator: message.i,
          ...stamp,
          tape: message.z,
        },
      };
    case 'o':
      return {
        kind: 'orderBook',
        event: {
          symbol,
          reset: message.r === true,
          bids: message.b.map((level) => ({ price: level.p, size: level.s })),
          asks: message.a.map((level) => ({ price: level.p, size: level.s })),
          ...stamp,
        },
      };
    default:
      return undefined;
  }
}

/** Publishes a replayed event through the market, as if the market had produced it. */
export function publishReplayEvent(market: SimMarket, replayed: ReplayEvent): void {
  switch (replayed.kind) {
    case 'quote':
      market.publish.quote(replayed.event);
      break;
    case 'trade':
      market.publish.trade(replayed.event);
      break;
    case 'bar':
      market.publish.bar(replayed.event);
      break;
    case 'status':
      market.publish.status(replayed.event);
      break;
    case 'luld':
      market.publish.luld(replayed.event);
      break;
    case 'orderBook':
      market.publish.orderBook(replayed.event);
      break;
  }
}
