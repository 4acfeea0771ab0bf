import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { decode, ExtensionCodec, encode as encodeForClient } from '@msgpack/msgpack';
import WebSocket from 'ws';
import { createLogger } from '../../../shared/logging/logger.ts';
import { ManualClock } from '../../../shared/time/clock.ts';
import type { SimContext } from '../../../sim/context.ts';
import { createMarket, type MarketOptions, type SimMarket } from '../../../sim/market/market.ts';
import {
  createMarketDataEndpoints,
  type MarketDataEndpointsOptions,
} from '../../../sim/marketdata/market-data-endpoints.ts';
import type { SimService } from '../../../sim/service.ts';
import { SESSION_START_MS, simContext } from '../market/market-fixture.ts';

export const KEY = { 'APCA-API-KEY-ID': 'TESTKEY', 'APCA-API-SECRET-KEY': 'TESTSECRET' } as const;

export interface MarketDataServer {
  readonly port: number;
  readonly market: SimMarket;
  readonly clock: ManualClock;
  readonly context: SimContext;
  url(path: string): string;
  /** Moves the virtual clock and the market forward by `ms`. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** The market-data service alone behind a loopback HTTP server, on a virtual clock. */
export async function startMarketDataServer(
  overrides: Partial<SimContext> = {},
  serviceOptions: MarketDataEndpointsOptions = {},
  marketOptions: MarketOptions = {},
): Promise<MarketDataServer> {
  const clock = new ManualClock(SESSION_START_MS);
  const context = simContext({ clock, ...overrides });
  const market = createMarket(context, marketOptions);
  const silent = createLogger({
    name: 'test',
    level: 'silent',
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const service: SimService = createMarketDataEndpoints(context, market, {
    logger: silent,
    ...serviceOptions,
  });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!service.handleRequest(request, response, url)) {
      response.writeHead(404).end();
    }
  });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!service.handleUpgrade(request, socket, head, url)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    market,
    clock,
    context,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    advance(ms) {
      clock.advanceMs(ms);
      market.advanceTo(clock.nowMs());
    },
    async close() {
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Turns ext −1 back into the RFC 3339 string JSON mode would carry, so one schema checks both. */
export const testExtensionCodec = new ExtensionCodec();
testExtensionCodec.register({
  type: -1,
  encode: () => null,
  decode: (data: Uint8Array) => {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    let sec: number;
    let nsec: number;
    if (data.byteLength === 4) {
      sec = view.getUint32(0);
      nsec = 0;
    } else if (data.byteLength === 8) {
      const high = view.getUint32(0);
      nsec = high >>> 2;
      sec = (high & 0x3) * 2 ** 32 + view.getUint32(4);
    } else {
      nsec = view.getUint32(0);
      sec = Number(view.getBigInt64(4));
    }
    const base = new Date(sec * 1000).toISOString().slice(0, 19);
    const fraction = String(nsec).padStart(9, '0').replace(/0+$/, '');
    return `${base}${fraction === '' ? '' : `.${fraction}`}Z`;
  },
});

export type Frame = Record<string, unknown>[];

/** A stream client that queues every frame it receives, decoded to arrays of messages. */
export class StreamClient {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  readonly raw: (string | Buffer)[] = [];
  #waiters: (() => void)[] = [];
  closed = false;
  readonly #msgpack: boolean;

  constructor(
    url: string,
    options: { msgpack?: boolean; headers?: Record<string, string>; deflate?: boolean } = {},
  ) {
    this.#msgpack = options.msgpack ?? false;
    this.socket = new WebSocket(url, {
      headers: {
        ...(this.#msgpack ? { 'Content-Type': 'application/msgpack' } : {}),
        ...options.headers,
      },
      perMessageDeflate: options.deflate ?? false,
    });
    this.socket.on('message', (data, isBinary) => {
      const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer);
      this.raw.push(isBinary ? buffer : buffer.toString('utf8'));
      try {
        const frame = isBinary
          ? (decode(buffer, { extensionCodec: testExtensionCodec }) as Frame)
          : (JSON.parse(buffer.toString('utf8')) as Frame);
        this.frames.push(frame);
      } catch {
        this.frames.push([{ T: 'unparseable' }]);
      }
      this.#wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    this.socket.on('error', () => undefined);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `predicate` holds over the frames received so far (or the socket closes). */
  async until(predicate: (frames: Frame[]) => boolean, timeoutMs = 5_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.frames)) {
      if (this.closed) throw new Error(`socket closed; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      if (Date.now() > deadline)
        throw new Error(`timed out; frames: ${JSON.stringify(this.frames).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames;
  }

  async frameCount(count: number): Promise<Frame[]> {
    return this.until((frames) => frames.length >= count);
  }

  async waitClosed(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  send(message: unknown): void {
    if (this.#msgpack) {
      this.socket.send(encodeForClient(message), { binary: true });
    } else {
      this.socket.send(JSON.stringify(message));
    }
  }

  /** Opens, authenticates and waits for `authenticated`. */
  async authenticate(key = 'TESTKEY', secret = 'TESTSECRET'): Promise<void> {
    await this.frameCount(1);
    this.send({ action: 'auth', key, secret });
    await this.frameCount(2);
  }

  /**
   * Waits until everything the server sent before now has arrived: an empty subscribe is
   * answered with a subscription echo, which the server sends after any data batched earlier.
   */
  async barrier(): Promise<void> {
    const echoes = (): number => this.frames.filter((frame) => frame[0]?.T === 'subscription').length;
    const before = echoes();
    await new Promise((resolve) => setImmediate(resolve));
    this.send({ action: 'subscribe' });
    await this.until(() => echoes() > before);
  }

  close(): void {
    this.socket.terminate();
  }
}

export function dataMessages(frames: readonly Frame[]): Record<string, unknown>[] {
  return frames
    .flat()
    .filter((message) => !['success', 'error', 'subscription'].includes(message.T as string));
}
