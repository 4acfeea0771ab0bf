/**
 * Market-data frames (JSON and msgpack) from bytes to books, fuzzed: the decoder and the
 * transcoder never throw, a frame they reject whole delivers nothing, every rejection carries a
 * reason, and a rejected message leaves the books and bars as if it had never been sent.
 */
import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarketDataService } from '../../engine/marketdata/market-data-service.ts';
import { FrameRouter } from '../../shared/broker/alpaca/market-data/frame-router.ts';
import { msgpackFrameToJson } from '../../shared/broker/alpaca/market-data/msgpack-frames.ts';
import { StreamDecoder } from '../../shared/broker/alpaca/market-data/stream-decoder.ts';
import type { StreamMessage } from '../../shared/broker/alpaca/market-data/stream-messages.ts';
import { ManualClock } from '../../shared/time/clock.ts';
import { FeedMetrics } from '../../shared/venue/feed-metrics.ts';
import { assertFuzz, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileBytes, hostileJson, hostileText, mutatedObject, nestedArrays } from './hostile-values.ts';

const T = '2026-11-24T15:51:45.335689322Z';
const NOW_US = Date.parse('2026-11-24T15:51:46Z') * 1000;

/** One valid message of each kind the engine reads, as Alpaca sends them (test/fixtures/feed). */
const VALID_MESSAGES: readonly Record<string, unknown>[] = [
  { T: 'q', S: 'AAPL', bx: 'U', bp: 87.66, bs: 1, ax: 'Q', ap: 87.68, as: 4, c: ['R'], z: 'C', t: T },
  { T: 't', S: 'AAPL', i: 96921, x: 'D', p: 87.67, s: 1, c: ['@', 'I'], z: 'C', t: T },
  {
    T: 'b',
    S: 'AAPL',
    o: 87.6,
    h: 87.7,
    l: 87.5,
    c: 87.65,
    v: 4937,
    n: 46,
    vw: 87.62,
    t: '2026-11-24T15:50:00Z',
  },
  { T: 'o', S: 'BTC/USD', t: T, b: [{ p: 50_000, s: 0.5 }], a: [{ p: 50_001, s: 0.25 }] },
  { T: 's', S: 'AAPL', sc: 'H', sm: 'Trading Halt', rc: 'T12', rm: 'News', t: T, z: 'C' },
  { T: 'l', S: 'AAPL', u: 90.1, d: 85.2, i: 'B', t: T, z: 'C' },
];

const validMessage = fc.constantFrom(...VALID_MESSAGES);
/** A valid message with one field hostile, missing, or a prototype key added. */
const mutatedMessage = fc.constantFrom(...VALID_MESSAGES).chain((sample) => mutatedObject(sample));

/** Frames of valid and broken messages, as text, and frames that are not frames at all. */
const frameText: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(fc.oneof(validMessage, mutatedMessage, hostileJson), { maxLength: 5 })
    .map((messages) => JSON.stringify(messages)),
  hostileText,
  fc.constantFrom(
    `[{"T":"q","zz":${nestedArrays(50_000)}}]`,
    `[{"T":"o","S":"X","b":${nestedArrays(50_000)}}]`,
    '[{"T":"q","S":"AAPL","bp":1e400,"bs":1,"ap":2,"as":1,"t":"2026-11-24T15:51:45Z"}]',
    '[{"T":"q","zz":"\\x"}]',
    '[{"T":"q","zz":"\\u12"}]',
    '[{"T":"q","zz":"\\u00e9\\n\\/"}]',
    '[{"T":"q","S":"AAPL","bp":-0,"bs":1,"ap":2,"as":1,"t":"9999-99-99T99:99:99Z"}]',
  ),
);

function books() {
  const clock = new ManualClock(NOW_US / 1000);
  const metrics = new FeedMetrics();
  const service = new MarketDataService({
    clock,
    metrics,
    symbols: ['AAPL', 'BTC/USD'],
    staleAfterMs: 5_000,
  });
  let delivered = 0;
  const router = new FrameRouter('fuzz', 'json', metrics, {
    onControl: () => {},
    onData: (messages, receivedUs) => {
      delivered += messages.length;
      service.onData(messages, receivedUs);
    },
  });
  const snapshot = () =>
    JSON.stringify(
      ['AAPL', 'BTC/USD'].map((symbol) => ({
        top: service.topOfBook(symbol),
        bids: service.orderBook(symbol)?.depth('bid', 20),
        asks: service.orderBook(symbol)?.depth('ask', 20),
        bar: service.bars(symbol)?.latest,
        daily: service.dailyBar(symbol),
        freshness: service.freshness(symbol, NOW_US),
      })),
    );
  return { router, metrics, snapshot, delivered: () => delivered };
}

describe('Market-data frames under fuzzed input', () => {
  it(
    'StreamDecoder: never throws; a frame rejected whole appends nothing and says why',
    () => {
      const decoder = new StreamDecoder();
      assertFuzz(
        fc.property(
          fc.oneof(
            frameText.map((text) => new Uint8Array(Buffer.from(text))),
            hostileBytes,
          ),
          (bytes) => {
            const out: StreamMessage[] = [{ type: 'success', message: 'kept' }];
            const accepted = decoder.decodeFrame(bytes, out);
            for (const reason of decoder.errors) expect(reason.length).toBeGreaterThan(0);
            if (!accepted) {
              expect(out).toEqual([{ type: 'success', message: 'kept' }]);
              expect(decoder.errors).toHaveLength(1);
              expect(decoder.errors[0]).toMatch(/^malformed frame at offset \d+: /);
            }
          },
        ),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'StreamDecoder: accepts a frame only when it is JSON, an array of objects',
    () => {
      const decoder = new StreamDecoder();
      assertFuzz(
        fc.property(frameText, (text) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const isFrame =
            Array.isArray(parsed) &&
            parsed.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item));
          expect(decoder.decodeFrame(text, []), text.slice(0, 200)).toBe(isFrame);
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'msgpackFrameToJson: any bytes transcode to JSON text or a reason, never a throw',
    () => {
      const msgpackValue = fc.oneof(
        hostileJson,
        fc.array(mutatedMessage, { maxLength: 3 }),
        fc.constantFrom(
          new Date(8.64e15),
          new Date(-8.64e15),
          new Map([[{}, 1]]),
          2n ** 64n - 1n,
          -(2n ** 63n),
        ),
      );
      const bytes = fc.oneof(
        hostileBytes,
        msgpackValue.map((value) => encode(value, { useBigInt64: true })),
        msgpackValue.chain((value) => {
          const full = encode(value, { useBigInt64: true });
          return fc.nat({ max: full.length }).map((cut) => full.slice(0, cut));
        }),
      );
      assertFuzz(
        fc.property(bytes, (frame) => {
          const result = msgpackFrameToJson(frame);
          if (result.ok) expect(typeof result.json).toBe('string');
          else expect(result.reason).toMatch(/^malformed msgpack frame: .+/);
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'FrameRouter and books: a rejected frame delivers nothing and changes no book',
    () => {
      const pipeline = books();
      pipeline.router.route(Buffer.from(JSON.stringify(VALID_MESSAGES)), false, NOW_US);
      assertFuzz(
        fc.property(frameText, fc.boolean(), (text, asBinary) => {
          const before = pipeline.snapshot();
          const errorsBefore = pipeline.metrics.parseErrors;
          const deliveredBefore = pipeline.delivered();
          const decoder = new StreamDecoder();
          const wholeFrameRejected = asBinary || !decoder.decodeFrame(text, []);
          pipeline.router.route(Buffer.from(text), asBinary, NOW_US);
          if (wholeFrameRejected) {
            expect(pipeline.metrics.parseErrors).toBe(errorsBefore + 1);
            expect(pipeline.delivered()).toBe(deliveredBefore);
            expect(pipeline.snapshot()).toBe(before);
          }
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'FrameRouter and books: a rejected message leaves the books as the frame without it would',
    () => {
      assertFuzz(
        fc.property(
          fc.array(validMessage, { maxLength: 3 }),
          mutatedMessage,
          fc.array(validMessage, { maxLength: 3 }),
          (head, mutated, tail) => {
            const decoder = new StreamDecoder();
            decoder.decodeFrame(JSON.stringify([mutated]), []);
            fc.pre(decoder.errors.length > 0);
            const withIt = books();
            const withoutIt = books();
            withIt.router.route(Buffer.from(JSON.stringify([...head, mutated, ...tail])), false, NOW_US);
            withoutIt.router.route(Buffer.from(JSON.stringify([...head, ...tail])), false, NOW_US);
            expect(withIt.snapshot()).toBe(withoutIt.snapshot());
            expect(withIt.metrics.parseErrors).toBe(1);
            expect(decoder.errors[0]).toMatch(
              /^("\w" message|message without|subscription message|".*" control message)/,
            );
          },
        ),
        0.5,
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
