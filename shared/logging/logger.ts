/**
 * Structured JSON logs (pino) with secrets removed twice over: by key name (pino's redact paths,
 * compiled once, cheap) and by value (every registered secret scrubbed from the final line).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { processSecrets, REDACTED, type SecretRegistry } from './secret-registry.ts';

export type { Logger } from 'pino';

const SECRET_FIELDS = [
  'keyId',
  'secretKey',
  'key_id',
  'secret_key',
  'apiKey',
  'apiSecret',
  'secret',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'Authorization',
  '"APCA-API-KEY-ID"',
  '"APCA-API-SECRET-KEY"',
  '"apca-api-key-id"',
  '"apca-api-secret-key"',
];

/** Each secret field name at the top level and up to four objects deep. */
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => {
  const key = field.startsWith('"') ? `[${field}]` : `.${field}`;
  return ['', '*', '*.*', '*.*.*', '*.*.*.*'].map((prefix) =>
    prefix === '' ? (field.startsWith('"') ? `[${field}]` : field) : `${prefix}${key}`,
  );
});

export interface LoggerOptions {
  readonly name: string;
  readonly level?: string;
  /** Where lines go; defaults to stdout. Tests pass a collecting stream. */
  readonly destination?: DestinationStream;
  readonly secrets?: SecretRegistry;
}

function scrubbingStream(target: DestinationStream, secrets: SecretRegistry): DestinationStream {
  return {
    write(line: string): void {
      target.write(secrets.size === 0 ? line : secrets.scrub(line));
    },
  };
}

/**
 * Stdout as the logger writes it: buffered, in order, each write whole (the rest of a partial
 * write to a pipe goes before anything newer), flushed at exit. Another writer of whole lines on
 * stdout (the engine's EMF metrics) writes through the same stream, so no line is cut by another.
 */
export function stdoutDestination(): DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? stdoutDestination();
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
      base: { pid: process.pid },
    },
    scrubbingStream(destination, options.secrets ?? processSecrets),
  );
}
