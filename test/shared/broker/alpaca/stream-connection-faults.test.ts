import { describe, expect, it } from 'vitest';
import {
  dispositionOf,
  type StreamFault,
} from '../../../../shared/broker/alpaca/stream-connection-faults.ts';
import { STREAM_KINDS } from './stream-peers.ts';

const serverError = (code: number): StreamFault => ({ kind: 'server_error', code, message: `error ${code}` });

describe('Function: dispositionOf', () => {
  describe('market-data error codes (Alpaca streaming docs)', () => {
    it.each([402, 405, 409, 410, 411])('%d is fatal: retrying cannot fix it', (code) => {
      expect(dispositionOf('market data', serverError(code))).toMatchObject({ action: 'fatal', code });
    });

    it.each([400, 401, 404, 407, 500, 599])('%d reconnects at the usual pace', (code) => {
      expect(dispositionOf('market data', serverError(code))).toStrictEqual({
        action: 'reconnect',
        reason: `server error ${code} error ${code}`,
        slow: false,
      });
    });

    it('406 (connection limit) reconnects slowly, leaving the other session alone', () => {
      expect(dispositionOf('market data', serverError(406))).toMatchObject({
        action: 'reconnect',
        slow: true,
      });
    });

    it('403 (already authenticated) keeps the connection', () => {
      expect(dispositionOf('market data', serverError(403))).toMatchObject({ action: 'resume' });
    });

    it.each([
      [405, 'reduce the configured symbols'],
      [409, 'use another feed'],
      [410, 'check the configured channels'],
      [411, 'market-data scope'],
    ])('%d says what to change: %s', (code, advice) => {
      expect(dispositionOf('market data', serverError(code)).reason).toContain(advice);
    });
  });

  describe('close codes', () => {
    it.each([1000, 1001, 1006, 1008, 1011, 1012, 4000])('%d reconnects at the usual pace', (code) => {
      expect(dispositionOf('trade updates', { kind: 'closed', code })).toStrictEqual({
        action: 'reconnect',
        reason: `socket closed (code ${code})`,
        slow: false,
      });
    });

    it('1013 (try again later) reconnects slowly', () => {
      expect(dispositionOf('trade updates', { kind: 'closed', code: 1013 })).toMatchObject({
        action: 'reconnect',
        slow: true,
      });
    });
  });

  it.each([
    [{ kind: 'silent', silentMs: 20_400, limitMs: 20_000 }, 'silent for 20400 ms (limit 20000 ms)'],
    [{ kind: 'handshake_timeout', limitMs: 10_000 }, 'not ready within 10000 ms of connecting'],
  ] as const)('a dead connection (%o) reconnects', (fault, reason) => {
    expect(dispositionOf('market data', fault)).toStrictEqual({ action: 'reconnect', reason, slow: false });
  });

  it.each(STREAM_KINDS)(
    'refused keys stop the %s stream with the same advice as the other stream',
    (stream) => {
      const fault: StreamFault =
        stream === 'market data' ? serverError(402) : { kind: 'keys_refused', detail: 'unauthorized' };
      const disposition = dispositionOf(stream, fault);
      expect(disposition.action).toBe('fatal');
      expect(disposition.reason).toMatch(
        new RegExp(
          `^the broker refused the API keys \\(${stream}: (402 auth failed|unauthorized)\\): check APCA_API_KEY_ID / APCA_API_SECRET_KEY \\(local\\) or the Secrets Manager secret named by broker\\.credentials\\.secretId \\(AWS\\)$`,
        ),
      );
    },
  );
});
