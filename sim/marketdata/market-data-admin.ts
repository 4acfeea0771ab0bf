/**
 * The admin interface for market data, which Alpaca does not have: fault injection on the
 * stream connections and direct control of the market, for tests and reliability drills.
 * Kept under /admin/marketdata/ (off Alpaca's paths), JSON POST bodies, loopback clients only.
 * Faults apply to the connections open at the time of the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { MarketResult, SimMarket } from '../market/market.ts';
import type { StreamStats } from './stream-server.ts';
import type { StreamSubscriber } from './stream-subscriber.ts';

const PREFIX = '/admin/marketdata/';
const MAX_BODY_BYTES = 64 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const target = { path: z.string().startsWith('/').optional() };
const schemas = {
  'faults/drop': z.strictObject({ ...target, mode: z.enum(['terminate', 'close']).default('terminate') }),
  'faults/silence': z.strictObject({ ...target, enabled: z.boolean().default(true) }),
  'faults/delay': z.strictObject({ ...target, ms: z.number().int().min(0).max(600_000) }),
  'faults/duplicate': z.strictObject({ ...target, frames: z.number().int().min(0).max(1_000_000) }),
  'faults/reorder': z.strictObject({ ...target, frames: z.number().int().min(0).max(1_000_000) }),
  'faults/malformed': z.strictObject({
    ...target,
    kind: z.enum(['truncated', 'not-json', 'wrong-shape']).default('truncated'),
  }),
  'faults/clear': z.strictObject({ ...target }),
  quote: z.strictObject({
    symbol: z.string(),
    bidPrice: z.number().positive(),
    askPrice: z.number().positive(),
    bidSize: z.number().positive().optional(),
    askSize: z.number().positive().optional(),
    hold: z.boolean().optional(),
  }),
  trade: z.strictObject({
    symbol: z.string(),
    price: z.number().positive(),
    size: z.number().positive(),
    takerSide: z.enum(['buy', 'sell']).optional(),
  }),
  release: z.strictObject({ symbol: z.string() }),
  halt: z.strictObject({ symbol: z.string() }),
  resume: z.strictObject({ symbol: z.string() }),
  /** Stops or restarts the generated market's timer: a quiet tape, so sent and received counts can settle. */
  generator: z.strictObject({ running: z.boolean() }),
  luld: z.strictObject({
    symbol: z.string(),
    limitUp: z.number().positive(),
    limitDown: z.number().positive(),
    indicator: z.string().min(1).max(2).optional(),
  }),
} as const;

type Action = keyof typeof schemas;
type Reply = { readonly status: number; readonly body: Record<string, unknown> };

/** What each malformed kind looks like on the wire, for a JSON and a msgpack connection. */
const MALFORMED: Readonly<Record<'truncated' | 'not-json' | 'wrong-shape', readonly [string, Uint8Array]>> = {
  truncated: ['[{"T":"q","S":"AAPL","bp":18', Uint8Array.of(0x91, 0x8b, 0xa1, 0x54)],
  'not-json': ['this is not a market-data frame', Uint8Array.of(0xc1, 0xc1, 0xc1)],
  'wrong-shape': ['{"T":"q","S":42}', Uint8Array.of(0x82, 0xa1, 0x54, 0xa1, 0x71, 0xa1, 0x53, 0x2a)],
};

export class MarketDataAdmin {
  readonly #market: SimMarket;
  readonly #connections: () => Iterable<StreamSubscriber>;
  readonly #stats: StreamStats;

  constructor(market: SimMarket, connections: () => Iterable<StreamSubscriber>, stats: StreamStats) {
    this.#market = market;
    this.#connections = connections;
    this.#stats = stats;
  }

  handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
    if (!url.pathname.startsWith(PREFIX)) return false;
    void this.#respond(request, response, url.pathname.slice(PREFIX.length));
    return true;
  }

  async #respond(request: IncomingMessage, response: ServerResponse, action: string): Promise<void> {
    const reply = await this.#handle(request, action).catch(
      (error: unknown): Reply => ({ status: 400, body: { error: String(error) } }),
    );
    const body = JSON.stringify(reply.body);
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(body);
  }

  async #handle(request: IncomingMessage, action: string): Promise<Reply> {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      return { status: 403, body: { error: 'the admin interface answers loopback clients only' } };
    }
    if (action === 'stats' && request.method === 'GET') {
      return { status: 200, body: { ...this.#stats, openConnections: [...this.#connections()].length } };
    }
    if (action === 'connections' && request.method === 'GET') {
      return { status: 200, body: { connections: [...this.#connections()].map(describe) } };
    }
    if (!Object.hasOwn(schemas, action))
      return { status: 404, body: { error: `unknown admin action ${action}` } };
    if (request.method !== 'POST') return { status: 405, body: { error: 'use POST with a JSON body' } };
    const text = await readBody(request);
    let json: unknown;
    try {
      json = text.length === 0 ? {} : JSON.parse(text);
    } catch {
      return { status: 400, body: { error: 'body is not valid JSON' } };
    }
    const parsed = schemas[action as Action].safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
      );
      return { status: 400, body: { error: problems.join('; ') } };
    }
    return this.#apply(action as Action, parsed.data as Record<string, unknown>);
  }

  #apply(action: Action, body: Record<string, unknown>): Reply {
    switch (action) {
      case 'quote': {
        const { symbol, hold, ...quote } = body as z.infer<(typeof schemas)['quote']>;
        return market(this.#market.setQuote(symbol, quote, hold === undefined ? {} : { hold }));
      }
      case 'trade': {
        const { symbol, ...trade } = body as z.infer<(typeof schemas)['trade']>;
        return market(this.#market.printTrade(symbol, trade));
      }
      case 'release':
        return market(this.#market.releaseQuote(body.symbol as string));
      case 'halt':
        return market(this.#market.halt(body.symbol as string));
      case 'resume':
        return market(this.#market.resume(body.symbol as string));
      case 'generator':
        if (body.running === true) this.#market.start();
        else this.#market.stop();
        return { status: 200, body: { ok: true } };
      case 'luld': {
        const { symbol, ...bands } = body as z.infer<(typeof schemas)['luld']>;
        return market(this.#market.setLuld(symbol, bands));
      }
      default:
        return this.#fault(action, body);
    }
  }

  #fault(action: Action, body: Record<string, unknown>): Reply {
    const targets = [...this.#connections()].filter(
      (connection) => body.path === undefined || connection.feed.path === body.path,
    );
    for (const connection of targets) {
      const faults = connection.faults;
      switch (action) {
        case 'faults/drop':
          if (body.mode === 'close') connection.socket.close(1001, 'dropped by admin');
          else connection.socket.terminate();
          break;
        case 'faults/silence':
          faults.silenced = body.enabled as boolean;
          break;
        case 'faults/delay':
          faults.delayMs = body.ms as number;
          break;
        case 'faults/duplicate':
          faults.duplicateFrames = body.frames as number;
          break;
        case 'faults/reorder':
          faults.reorderFrames = body.frames as number;
          break;
        case 'faults/malformed': {
          const [text, bytes] = MALFORMED[body.kind as keyof typeof MALFORMED];
          connection.sendRaw(connection.codec === 'json' ? text : bytes);
          break;
        }
        case 'faults/clear':
          Object.assign(faults, { silenced: false, delayMs: 0, duplicateFrames: 0, reorderFrames: 0 });
          if (faults.heldFrame !== undefined) connection.sendRaw(faults.heldFrame);
          faults.heldFrame = undefined;
          break;
      }
    }
    return { status: 200, body: { ok: true, connections: targets.length } };
  }
}

function market(result: MarketResult): Reply {
  return result.ok ? { status: 200, body: { ok: true } } : { status: 422, body: { error: result.reason } };
}

function describe(connection: StreamSubscriber): Record<string, unknown> {
  const { T: _type, ...subscriptions } = connection.subscriptions.echo();
  return {
    path: connection.feed.path,
    codec: connection.codec,
    state: connection.state,
    subscriptions,
    messagesSent: connection.messagesSent,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
