/**
 * The engine's HTTP control API. Routes are plain functions of the request path so that the
 * server stays a thin adapter; later issues add metrics and operator endpoints.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type RouteHandler = (request: IncomingMessage) => { status: number; body: unknown };

export interface HttpApi {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export async function startHttpApi(
  host: string,
  port: number,
  routes: Readonly<Record<string, RouteHandler>>,
): Promise<HttpApi> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://engine').pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      send(response, 404, { error: 'not_found', message: `no route ${path}` });
      return;
    }
    if (request.method !== 'GET') {
      send(response, 405, {
        error: 'method_not_allowed',
        message: `${request.method} is not allowed on ${path}`,
      });
      return;
    }
    const { status, body } = route(request);
    send(response, status, body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
