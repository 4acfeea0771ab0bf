/**
 * The engine's HTTP control API server: a thin adapter that parses and bounds requests, looks up
 * a route by method and path, and turns the route's result into JSON. Routes validate their own
 * bodies; every answer is counted by route and status.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Counter } from 'prom-client';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body; undefined when there was none. */
  readonly body: unknown;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** Plain-text answers (Prometheus exposition) carry their own content type. */
  readonly contentType?: string;
}

export type RouteHandler = (request: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** Keys are `METHOD /path`, e.g. `POST /kill-switch`. */
export type Routes = Readonly<Record<string, RouteHandler>>;

export interface HttpApi {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

export function errorBody(
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { error, message, ...extra };
}

class RequestError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new RequestError(413, 'body_too_large', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = request.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new RequestError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

export async function startHttpApi(
  host: string,
  port: number,
  routes: Routes,
  responses?: Counter<'route' | 'status'>,
): Promise<HttpApi> {
  const knownPaths = new Set(Object.keys(routes).map((key) => key.slice(key.indexOf(' ') + 1)));

  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    let path = '/';
    try {
      path = new URL(request.url ?? '/', 'http://engine').pathname;
    } catch {
      // A malformed request target falls through to 404 on '/'.
    }
    const key = `${method} ${path}`;
    const route = Object.hasOwn(routes, key) ? routes[key] : undefined;

    const finish = (answer: ApiResponse): void => {
      const text = answer.contentType === undefined ? JSON.stringify(answer.body) : String(answer.body);
      response.writeHead(answer.status, {
        'content-type': answer.contentType ?? 'application/json',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
      });
      response.end(text);
      responses?.inc({ route: route === undefined ? 'unmatched' : key, status: String(answer.status) });
    };

    if (route === undefined) {
      const allowed = knownPaths.has(path);
      finish({
        status: allowed ? 405 : 404,
        body: allowed
          ? errorBody('method_not_allowed', `${method} is not allowed on ${path}`)
          : errorBody('not_found', `no route ${path}`),
      });
      request.resume();
      return;
    }
    readJsonBody(request)
      .then((body) => route({ method, path, headers: request.headers, body }))
      .then(finish, (error: unknown) => {
        if (error instanceof RequestError)
          finish({ status: error.status, body: errorBody(error.code, error.message) });
        else
          finish({
            status: 500,
            body: errorBody('internal_error', 'the engine could not complete the request'),
          });
      });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

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
