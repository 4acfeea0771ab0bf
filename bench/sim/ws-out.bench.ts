/**
 * sim.ws_out: market-data messages per second the simulator sustains over WebSocket on
 * loopback to one client (target ≥ 500,000). The server generates quotes and trades on wall
 * time and batches them into JSON frames (up to 100 a frame); the client, in a worker
 * thread, parses every frame. Latency is per frame, from the generator's stamp on the frame's
 * last quote to the client having parsed it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { createLogger } from '../../shared/logging/logger.ts';
import { systemClock } from '../../shared/time/clock.ts';
import type { SimContext } from '../../sim/context.ts';
import { createMarket } from '../../sim/market/market.ts';
import { createMarketDataEndpoints } from '../../sim/marketdata/market-data-endpoints.ts';
import { LatencyRecorder, throughputBenchmark } from '../harness.ts';

/**
 * Above the 500k target with headroom, yet below what one core sustains (about 800k when
 * unthrottled on this machine), so latency measures the pipe rather than a growing backlog.
 */
const GENERATED_PER_SECOND = 600_000;

interface ClientReport {
  readonly messages: number;
  readonly seconds: number;
  readonly latenciesNs: Float64Array;
}

export const benchmarks = [
  throughputBenchmark('sim.ws_out', async ({ scale }) => {
    const context: SimContext = {
      clock: systemClock,
      seed: 1,
      symbols: ['AAPL', 'MSFT', 'AMZN', 'GOOGL', 'META', 'NVDA', 'TSLA', 'SPY', 'QQQ', 'AMD'],
      messagesPerSecond: GENERATED_PER_SECOND,
      credentials: { keyId: 'BENCHKEY', secretKey: 'BENCHSECRET' },
      sessionHours: 'always',
    };
    // A small ring: the benchmark measures the stream, not history memory.
    const market = createMarket(context, { historyCapacity: 1_024 });
    const logger = createLogger({
      name: 'bench',
      level: 'silent',
      destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    const service = createMarketDataEndpoints(context, market, { logger });
    const server = createServer((request, response) => {
      if (!service.handleRequest(request, response, new URL(request.url ?? '/', 'http://127.0.0.1'))) {
        response.writeHead(404).end();
      }
    });
    server.on('upgrade', (request, socket, head) => {
      if (!service.handleUpgrade(request, socket, head, new URL(request.url ?? '/', 'http://127.0.0.1'))) {
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    market.start();
    try {
      const worker = new Worker(new URL('./ws-out-client.ts', import.meta.url), {
        workerData: {
          url: `ws://127.0.0.1:${port}/v2/sip`,
          keyId: context.credentials.keyId,
          secretKey: context.credentials.secretKey,
          warmupMs: Math.round(Math.max(100, 1_000 * scale)),
          durationMs: Math.round(Math.max(200, 3_000 * scale)),
        },
      });
      const report = await new Promise<ClientReport>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      await worker.terminate();
      const latencies = new LatencyRecorder();
      for (const ns of report.latenciesNs) latencies.recordNs(ns);
      return { operations: report.messages, seconds: report.seconds, latencies };
    } finally {
      market.stop();
      await service.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }),
];
