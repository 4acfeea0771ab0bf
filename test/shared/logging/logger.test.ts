import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../shared/logging/logger.ts';
import { SecretRegistry } from '../../../shared/logging/secret-registry.ts';

const KEY_ID = 'PKTESTKEY1234567890AB';
const SECRET = 'sEcReT0123456789abcdefghijKLMNOPQRSTUVWX';

function collectingLogger(secrets: SecretRegistry) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, log: createLogger({ name: 'test', destination, secrets }) };
}

describe('Function: createLogger', () => {
  it('removes keys from config objects, headers and error messages', () => {
    const secrets = new SecretRegistry();
    secrets.register(KEY_ID);
    secrets.register(SECRET);
    const { lines, log } = collectingLogger(secrets);

    log.info(
      { credentials: { keyId: KEY_ID, secretKey: SECRET }, broker: { venue: 'alpaca' } },
      'config loaded',
    );
    log.info(
      {
        request: {
          headers: {
            'APCA-API-KEY-ID': KEY_ID,
            'APCA-API-SECRET-KEY': SECRET,
            authorization: `Bearer ${SECRET}`,
          },
        },
      },
      'request',
    );
    log.error({ err: new Error(`broker said: bad key ${KEY_ID}/${SECRET}`) }, 'request failed');
    log.warn(`interpolated ${SECRET}`);

    const output = lines.join('');
    expect(lines).toHaveLength(4);
    expect(output).not.toContain(KEY_ID);
    expect(output).not.toContain(SECRET);
    expect(output).toContain('[REDACTED]');
    expect(JSON.parse(lines[0]!).broker).toStrictEqual({ venue: 'alpaca' });
  });

  it('redacts secret field names even for values never registered', () => {
    const { lines, log } = collectingLogger(new SecretRegistry());
    log.info({ deep: { nested: { secretKey: 'unregistered-secret-value' } } }, 'x');
    expect(lines.join('')).not.toContain('unregistered-secret-value');
  });
});
