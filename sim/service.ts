import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * One part of the simulator behind the shared HTTP server (market data, trading). The server
 * offers each request and upgrade to the services in turn; the first that returns true owns it.
 */
export interface SimService {
  handleRequest(request: IncomingMessage, response: ServerResponse, url: URL): boolean;
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  close(): Promise<void>;
}
