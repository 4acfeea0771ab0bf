/**
 * What a stream does about each thing that can go wrong with its connection: resume (keep the
 * socket; the error concerned one message), reconnect (after a jittered backoff, slower when the
 * server asks for it), or fatal (retrying cannot help, so it stops and says what to fix). One map
 * for both streams, so bad keys stop market data and trade updates alike.
 *
 * Alpaca documents no WebSocket close codes of its own: every close is a loss worth a reconnect
 * (1013, "try again later", a slow one). What is fatal comes from its messages: market-data error
 * codes (https://docs.alpaca.markets/docs/streaming-market-data; the Go SDK stops on 402, 409,
 * 410 and 411 too) and the trade-updates `unauthorized` reply
 * (https://docs.alpaca.markets/docs/websocket-streaming).
 */

export type StreamFault =
  | { readonly kind: 'closed'; readonly code: number }
  | { readonly kind: 'silent'; readonly silentMs: number; readonly limitMs: number }
  | { readonly kind: 'handshake_timeout'; readonly limitMs: number }
  /** A market-data `{"T":"error","code":…,"msg":…}`. */
  | { readonly kind: 'server_error'; readonly code: number; readonly message: string }
  /** The trade-updates `authorization` reply said `unauthorized`. */
  | { readonly kind: 'keys_refused'; readonly detail: string };

export type Disposition =
  | { readonly action: 'resume'; readonly reason: string }
  | { readonly action: 'reconnect'; readonly reason: string; readonly slow: boolean }
  | { readonly action: 'fatal'; readonly reason: string; readonly code: number | null };

/** Why a stream stopped for good. Carries Alpaca's code when there is one; never the keys. */
export class StreamFatalError extends Error {
  override readonly name = 'StreamFatalError';
  readonly stream: string;
  readonly code: number | null;

  constructor(stream: string, code: number | null, message: string) {
    super(message);
    this.stream = stream;
    this.code = code;
  }
}

const CHECK_KEYS =
  'check APCA_API_KEY_ID / APCA_API_SECRET_KEY (local) or the Secrets Manager secret named by broker.credentials.secretId (AWS)';

function keysRefused(stream: string, detail: string): string {
  return `the broker refused the API keys (${stream}: ${detail}): ${CHECK_KEYS}`;
}

/** Market-data errors that retrying cannot fix, and what to do about each. */
const FATAL_SERVER_ERRORS: Readonly<Record<number, (stream: string) => string>> = {
  402: (stream) => keysRefused(stream, '402 auth failed'),
  405: () => 'the subscription exceeds the plan’s symbol limit (405): reduce the configured symbols',
  409: () =>
    'the account’s plan does not include this feed (409 insufficient subscription): use another feed (e.g. iex)',
  410: () =>
    'the feed does not offer a subscribed channel (410): check the configured channels for this feed',
  411: () => 'the OAuth token lacks the market-data scope (411)',
};
/** 403 "already authenticated": the session is fine. */
const HARMLESS_SERVER_ERRORS: ReadonlySet<number> = new Set([403]);
/** 406 "connection limit exceeded": another session holds the key's connection; do not hammer it. */
const SLOW_SERVER_ERRORS: ReadonlySet<number> = new Set([406]);
const SLOW_CLOSE_CODES: ReadonlySet<number> = new Set([1013]);

export function dispositionOf(stream: string, fault: StreamFault): Disposition {
  switch (fault.kind) {
    case 'closed':
      return {
        action: 'reconnect',
        reason: `socket closed (code ${fault.code})`,
        slow: SLOW_CLOSE_CODES.has(fault.code),
      };
    case 'silent':
      return {
        action: 'reconnect',
        reason: `silent for ${fault.silentMs} ms (limit ${fault.limitMs} ms)`,
        slow: false,
      };
    case 'handshake_timeout':
      return {
        action: 'reconnect',
        reason: `not ready within ${fault.limitMs} ms of connecting`,
        slow: false,
      };
    case 'keys_refused':
      return { action: 'fatal', reason: keysRefused(stream, fault.detail), code: null };
    case 'server_error': {
      const reason = `server error ${fault.code} ${fault.message}`;
      const fatal = FATAL_SERVER_ERRORS[fault.code];
      if (fatal !== undefined) return { action: 'fatal', reason: fatal(stream), code: fault.code };
      if (HARMLESS_SERVER_ERRORS.has(fault.code)) return { action: 'resume', reason };
      return { action: 'reconnect', reason, slow: SLOW_SERVER_ERRORS.has(fault.code) };
    }
  }
}
