import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../../../../shared/broker/alpaca/market-data/stream-decoder.ts';
import type { StreamMessage } from '../../../../../shared/broker/alpaca/market-data/stream-messages.ts';

const fixtures = join(import.meta.dirname, '../../../../fixtures/feed');
const frames = (file: string): string[] =>
  readFileSync(join(fixtures, file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);

function decode(text: string): { ok: boolean; messages: StreamMessage[]; errors: string[]; ignored: number } {
  const decoder = new StreamDecoder();
  const messages: StreamMessage[] = [];
  const ok = decoder.decodeFrame(text, messages);
  return { ok, messages, errors: [...decoder.errors], ignored: decoder.ignored };
}

const QUOTE =
  '{"T":"q","S":"AMD","bx":"U","bp":87.66,"bs":1,"ax":"Q","ap":87.68,"as":4,"c":["R"],"z":"C","t":"2021-02-22T15:51:45.335689322Z"}';
const QUOTE_US = Date.UTC(2021, 1, 22, 15, 51, 45) * 1000 + 335_689;

describe('Class: StreamDecoder', () => {
  it('decodes every stock message kind from recorded frames', () => {
    const decoded = frames('stock-frames.jsonl').flatMap((frame) => {
      const result = decode(frame);
      expect(result.ok).toBe(true);
      expect(result.errors).toStrictEqual([]);
      return result.messages;
    });
    expect(decoded.map((m) => m.type)).toStrictEqual([
      'success',
      'success',
      'subscription',
      'trade',
      'quote',
      'bar',
      'bar',
      'bar',
      'status',
      'luld',
      'trade',
      'quote',
      'error',
      'error',
    ]);
    expect(decoded[0]).toStrictEqual({ type: 'success', message: 'connected' });
    expect(decoded[2]).toMatchObject({
      type: 'subscription',
      channels: { quotes: ['AMD', 'CLDR'], bars: ['*'] },
    });
    expect(decoded[3]).toStrictEqual({
      type: 'trade',
      symbol: 'AAPL',
      id: 96921,
      price: 126.55,
      size: 1,
      timestampUs: Date.UTC(2021, 1, 22, 15, 51, 44, 208) * 1000,
      takerSide: 'unknown',
    });
    expect(decoded[4]).toStrictEqual({
      type: 'quote',
      symbol: 'AMD',
      bidPrice: 87.66,
      bidSize: 1,
      askPrice: 87.68,
      askSize: 4,
      timestampUs: QUOTE_US,
    });
    expect(decoded[5]).toStrictEqual({
      type: 'bar',
      symbol: 'SPY',
      kind: 'minute',
      startUs: Date.UTC(2021, 1, 22, 19, 15) * 1000,
      open: 388.985,
      high: 389.13,
      low: 388.975,
      close: 389.12,
      volume: 49378,
      tradeCount: 461,
      vwap: 389.062639,
    });
    expect(decoded.slice(5, 8).map((m) => (m.type === 'bar' ? m.kind : ''))).toStrictEqual([
      'minute',
      'daily',
      'updated',
    ]);
    expect(decoded[8]).toMatchObject({ type: 'status', statusCode: 'H', reasonCode: 'T12' });
    expect(decoded[9]).toMatchObject({ type: 'luld', limitUp: 3.24, limitDown: 2.65, indicator: 'B' });
    expect(decoded[12]).toStrictEqual({ type: 'error', code: 402, message: 'auth failed' });
  });

  it('decodes crypto trades, quotes, bars and order book snapshots and deltas', () => {
    const decoded = frames('crypto-frames.jsonl').flatMap((frame) => decode(frame).messages);
    expect(decoded[0]).toMatchObject({ type: 'trade', symbol: 'BTC/USD', size: 0.0123, takerSide: 'buy' });
    expect(decoded[2]).toMatchObject({ type: 'bar', volume: 1.234 });
    expect(decoded[3]).toStrictEqual({
      type: 'orderbook',
      symbol: 'BTC/USD',
      reset: true,
      bids: [
        { price: 71859.53, size: 0.27994 },
        { price: 71850, size: 1.5 },
      ],
      asks: [{ price: 71939.7, size: 0.83953 }],
      timestampUs: Date.UTC(2024, 2, 12, 10, 38, 50) * 1000 + 796_132,
    });
    expect(decoded[4]).toMatchObject({ reset: false, bids: [{ price: 71859.53, size: 0 }], asks: [] });
  });

  it('counts corrections, cancels and unknown kinds as ignored, not as errors', () => {
    const result = decode(
      '[{"T":"x","S":"GOOGL","i":465,"p":1,"s":1,"t":"2023-04-06T13:15:42Z"},{"T":"i","S":"A","p":1,"t":"2023-04-06T13:15:42Z"},{"T":"Z","S":"A"}]',
    );
    expect(result).toStrictEqual({ ok: true, messages: [], errors: [], ignored: 3 });
  });

  it('accepts any JSON spelling of the same message: whitespace, key order, escapes, exponents', () => {
    const spelled =
      ' [ {\n "t" : "2021-02-22T15:51:45.335689322Z", "as":4 , "ap":8.768e1,"bs":1.0,"bp":87.66,"S":"\\u0041MD","T":"q","extra":{"a":[1,{"b":null}],"c":true} } ]\n';
    expect(decode(spelled).messages).toStrictEqual(decode(`[${QUOTE}]`).messages);
  });

  it.each([
    ['{"T":"q"}', 'a frame must be a JSON array'],
    ['[{"T":"q","S":"AMD"', 'expected'],
    ['[{"T":"q","S":"AMD"}] x', 'unexpected text'],
    ['[{"T":"q","S":"AMD","bp":1.}]', 'invalid number'],
    ['[{"T":"q","S":"AM\nD"}]', 'control character'],
    ['[{"T":"q","S":"AMD","bp":tru}]', 'invalid literal'],
    ['[1]', 'each message must be a JSON object'],
    ['', 'a frame must be a JSON array'],
    ['[{"T":"s","S":"A\\q"}]', 'invalid escape'],
  ])('rejects the whole malformed frame %j', (text, reason) => {
    const result = decode(text);
    expect(result.ok).toBe(false);
    expect(result.messages).toStrictEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(reason);
  });

  it('drops a malformed frame whole even after valid messages in it', () => {
    const result = decode(`[${QUOTE},${QUOTE},{"T":"q",]`);
    expect(result.ok).toBe(false);
    expect(result.messages).toStrictEqual([]);
  });

  it.each([
    // Found by test/fuzz/market-data-frames.fuzz.test.ts: deep nesting overflowed the stack with a
    // RangeError, and a bad escape in an unknown key's string passed as JSON.
    [
      'nested 50,000 deep under an unknown key',
      `{"T":"q","zz":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      true,
    ],
    ['with an invalid escape under an unknown key', '{"T":"q","zz":"\\x"}', false],
    ['with a short unicode escape under an unknown key', '{"T":"q","zz":"\\u12"}', false],
  ])('decodes or rejects a frame %s without throwing, as JSON.parse judges it', (_case, message, valid) => {
    const text = `[${QUOTE},${message}]`;
    const parses = (() => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    })();
    expect(parses).toBe(valid);
    expect(decode(text).ok).toBe(valid);
  });

  it.each([
    [
      '{"T":"q","S":"AMD","bp":"87.66","bs":1,"ap":87.68,"as":4,"t":"2021-02-22T15:51:45Z"}',
      '"bp" must be a number',
    ],
    [
      '{"T":"q","S":"AMD","bp":87.66,"bs":-1,"ap":87.68,"as":4,"t":"2021-02-22T15:51:45Z"}',
      '"bs" must be a number',
    ],
    ['{"T":"q","S":"AMD","bp":87.66,"bs":1,"ap":87.68,"as":4}', '"t" must be an RFC 3339 timestamp'],
    ['{"T":"t","S":"AAPL","p":0,"s":1,"t":"2021-02-22T15:51:45Z"}', '"p" must be a positive number'],
    ['{"T":"t","S":"AAPL","p":1,"s":1,"t":"yesterday"}', '"t" must be an RFC 3339'],
    [
      '{"T":"b","S":"SPY","o":2,"h":1,"l":1,"c":1,"v":1,"t":"2021-02-22T19:15:00Z"}',
      'low <= open, close <= high',
    ],
    ['{"T":"o","S":"BTC/USD","t":"2024-03-12T10:38:50Z","b":[{"p":-1,"s":1}],"a":[]}', 'positive price'],
    ['{"T":"s","S":"AAPL","t":"2021-02-22T19:15:00Z"}', '"sc"'],
    ['{"T":"q","bp":1,"bs":1,"ap":1,"as":1,"t":"2021-02-22T15:51:45Z"}', 'without a symbol'],
    ['{"S":"AMD"}', 'without a "T"'],
    ['{"T":"error","msg":"x"}', 'missing or mistyped'],
    ['{"T":"subscription","trades":"AAPL"}', 'must be an array of symbols'],
  ])('rejects the message %s alone, naming the field, and keeps the rest of the frame', (bad, reason) => {
    const result = decode(`[${QUOTE},${bad},${QUOTE}]`);
    expect(result.ok).toBe(true);
    expect(result.messages).toHaveLength(2);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toContain(reason);
  });

  it('reads a timestamp where it stands only when the string ends with it; any other string is checked whole', () => {
    const trade = (t: string) => `[{"T":"t","S":"AAPL","p":1,"s":1,"t":${t}}]`;
    const us = Date.UTC(2021, 1, 22, 15, 51, 45) * 1000 + 123_456;
    for (const t of [
      '"2021-02-22T15:51:45.123456Z"',
      '"2021-02-22T16:51:45.123456789+01:00"',
      ' "2021-02-22T15:51:45.123456Z" ',
    ])
      expect(decode(trade(t)).messages).toMatchObject([{ timestampUs: us }]);
    // Escaped: the general path decodes it and refuses it as a timestamp, as before.
    expect(decode(trade('"\\u0032021-02-22T15:51:45Z"')).errors[0]).toContain('"t" must be an RFC 3339');
    for (const t of [
      '"2021-02-22T15:51:45.123456Zjunk"',
      '"2021-02-22T15:51:45.123456Z\\""',
      '"2021-02-22T15:51:45"',
    ])
      expect(decode(trade(t)).errors[0]).toContain('"t" must be an RFC 3339');
    expect(decode(trade('"2021-02-22T15:51:45Z')).ok).toBe(false);
    expect(decode(trade('"2021-02-22T15:51:45Z" "x"')).ok).toBe(false);
  });

  it('reads every number exactly as JSON.parse does', () => {
    const decoder = new StreamDecoder();
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.integer({ min: 0, max: 12 }),
        (value, places) => {
          const text = Number(value.toFixed(places)).toString();
          const out: StreamMessage[] = [];
          decoder.decodeFrame(`[{"T":"t","S":"X","p":1,"s":${text},"t":"2021-02-22T15:51:45Z"}]`, out);
          expect(out[0]).toMatchObject({ size: JSON.parse(text) });
        },
      ),
    );
  });

  it('ignores any extra keys with any JSON values, whatever their spelling', () => {
    const decoder = new StreamDecoder();
    const expected = decode(`[${QUOTE}]`).messages;
    const known = new Set(['T', 'S', 't', 'bp', 'bs', 'ap', 'as']);
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ maxLength: 4 }).filter((key) => !known.has(key)),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 5 },
        ),
        (extra) => {
          const wire = { ...extra, ...JSON.parse(QUOTE) };
          const out: StreamMessage[] = [];
          expect(decoder.decodeFrame(JSON.stringify([wire]), out)).toBe(true);
          expect(out).toStrictEqual(expected);
        },
      ),
    );
  });

  it('never throws, whatever the bytes', () => {
    const decoder = new StreamDecoder();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.nat(QUOTE.length), (noise, cut) => {
        const out: StreamMessage[] = [];
        expect(() => decoder.decodeFrame(noise, out)).not.toThrow();
        expect(() => decoder.decodeFrame(`[${QUOTE.slice(0, cut)}${noise}`, out)).not.toThrow();
      }),
    );
  });
});

describe('Class: SymbolTable (through the decoder)', () => {
  it('hands back one string instance per symbol and never confuses two symbols', () => {
    const decoder = new StreamDecoder();
    const out: StreamMessage[] = [];
    for (const symbol of ['AAPL', 'AMD', 'AAPL', 'BTC/USD', 'AMD', 'ÄPFEL']) {
      decoder.decodeFrame(`[{"T":"t","S":"${symbol}","p":1,"s":1,"t":"2021-02-22T15:51:45Z"}]`, out);
    }
    const symbols = out.map((m) => (m.type === 'trade' ? m.symbol : ''));
    expect(symbols).toStrictEqual(['AAPL', 'AMD', 'AAPL', 'BTC/USD', 'AMD', 'ÄPFEL']);
  });
});

describe('Class: StreamDecoder (property)', () => {
  const symbol = fc.constantFrom('AAPL', 'BRK.B', 'BTC/USD', 'X');
  const price = fc.double({ min: 0.0001, max: 1e6, noNaN: true, noDefaultInfinity: true });
  const size = fc.double({ min: 0, max: 1e7, noNaN: true, noDefaultInfinity: true });
  const micros = fc.integer({ min: 0, max: 4_102_444_800_000_000 }); // up to 2100
  const iso = (us: number): string => {
    const ms = Math.floor(us / 1000);
    return `${new Date(ms).toISOString().slice(0, 23)}${String(us - ms * 1000).padStart(3, '0')}789Z`;
  };
  const quote = fc.record({
    symbol,
    bidPrice: price,
    bidSize: size,
    askPrice: price,
    askSize: size,
    timestampUs: micros,
  });
  const trade = fc.record({
    symbol,
    id: fc.nat(),
    price,
    size,
    timestampUs: micros,
    takerSide: fc.constantFrom('buy', 'sell'),
  });
  // Plain objects: fc.record builds them without a prototype, which toStrictEqual would notice.
  const level = fc.record({ price, size }).map((l) => ({ price: l.price, size: l.size }));
  const book = fc.record({
    symbol,
    reset: fc.boolean(),
    bids: fc.array(level, { maxLength: 5 }),
    asks: fc.array(level, { maxLength: 5 }),
    timestampUs: micros,
  });
  const message = fc.oneof(
    quote.map((q) => ({
      wire: {
        T: 'q',
        S: q.symbol,
        bx: 'V',
        bp: q.bidPrice,
        bs: q.bidSize,
        ax: 'V',
        ap: q.askPrice,
        as: q.askSize,
        c: ['R'],
        z: 'C',
        t: iso(q.timestampUs),
      },
      expected: { type: 'quote', ...q },
    })),
    trade.map((t) => ({
      wire: {
        T: 't',
        S: t.symbol,
        i: t.id,
        x: 'V',
        p: t.price,
        s: t.size,
        c: ['@'],
        tks: t.takerSide === 'buy' ? 'B' : 'S',
        t: iso(t.timestampUs),
      },
      expected: { type: 'trade', ...t },
    })),
    book.map((o) => ({
      wire: {
        T: 'o',
        S: o.symbol,
        t: iso(o.timestampUs),
        b: o.bids.map((l) => ({ p: l.price, s: l.size })),
        a: o.asks.map((l) => ({ p: l.price, s: l.size })),
        ...(o.reset ? { r: true } : {}),
      },
      expected: { type: 'orderbook', ...o },
    })),
  );

  it('decodes any batch of valid messages to exactly the values JSON.parse sees', () => {
    const decoder = new StreamDecoder();
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (batch) => {
        const out: StreamMessage[] = [];
        expect(decoder.decodeFrame(Buffer.from(JSON.stringify(batch.map((m) => m.wire))), out)).toBe(true);
        expect(decoder.errors).toStrictEqual([]);
        expect(out).toStrictEqual(batch.map((m) => m.expected));
      }),
    );
  });
});
