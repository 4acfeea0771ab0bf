/**
 * Decodes and validates Alpaca market-data stream frames (JSON: an array of objects tagged by
 * "T") into tagged domain messages, straight from the WebSocket frame's bytes.
 *
 * Why a hand-written byte scanner, measured with bench/marketdata/parse.bench.ts on this 2-core
 * machine (Node 24, one ~130-byte quote frame, other engineers' jobs running beside it):
 *   md.parse (this scanner, validation included)        p50 0.62 µs  p99 0.9-1.07 µs
 *   md.parse_json_baseline (JSON.parse + hand checks)    p50 1.09 µs  p99 1.7-2.1 µs
 * The baseline also pays for the Buffer-to-string conversion (about 0.06 µs) and the garbage of
 * the intermediate object graph, which shows at p99.9. A first scanner over a string with
 * charCodeAt measured no better than JSON.parse; reading the Buffer with local indices, taking
 * Alpaca's one- and two-letter keys without a string scan, parsing numbers and timestamps in
 * place, interning symbols and building the final object once is what made the difference.
 * zod costs several µs per message, so it stays on cold paths.
 *
 * It accepts any valid JSON for the frame's shape (whitespace, key order, escapes, exponents,
 * unknown keys) and rejects the rest: a frame that is not syntactically an array of objects is
 * rejected whole (nothing from it is delivered); a well-formed message with a missing or mistyped
 * field is rejected alone, with a reason naming the field. Control messages (success, error,
 * subscription) are rare and go through JSON.parse.
 */
import type { BookLevel, TakerSide } from '../../../domain/market-data.ts';
import { parseRfc3339BytesUs, parseRfc3339PrefixUs, rfc3339PrefixEnd } from './rfc3339.ts';
import type { StreamMessage } from './stream-messages.ts';
import { SymbolTable } from './symbol-table.ts';

/** Field keys the decoder reads; each is a bit in the per-object "seen" masks. */
const Key = {
  T: 0,
  S: 1,
  t: 2,
  p: 3,
  s: 4,
  i: 5,
  c: 6,
  bp: 7,
  bs: 8,
  ap: 9,
  as: 10,
  o: 11,
  h: 12,
  l: 13,
  v: 14,
  n: 15,
  vw: 16,
  u: 17,
  d: 18,
  tks: 19,
  b: 20,
  a: 21,
  r: 22,
  sc: 23,
  sm: 24,
  rc: 25,
  rm: 26,
} as const;
const KEY_COUNT = 27;
const UNKNOWN_KEY = -1;

const FIELD_NAMES: readonly string[] = Object.entries(Key)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Thrown inside the scanner only; decodeFrame turns it into a rejected frame. */
class FrameSyntaxError extends Error {
  override readonly name = 'FrameSyntaxError';
}

function fail(what: string, offset: number): never {
  throw new FrameSyntaxError(`malformed frame at offset ${offset}: ${what}`);
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWhitespace(bytes: Uint8Array, pos: number, end: number): number {
  while (pos < end && isWhitespace(bytes[pos]!)) pos++;
  return pos;
}

/** One-character keys by their byte: a table read instead of a switch (the common case). */
const ONE_CHAR_KEYS = new Int8Array(128).fill(UNKNOWN_KEY);
for (const [name, id] of Object.entries(Key)) if (name.length === 1) ONE_CHAR_KEYS[name.charCodeAt(0)] = id;
/** Two-letter keys (all lower case) by (first - 'a') * 26 + (second - 'a'). */
const TWO_LETTER_KEYS = new Int8Array(26 * 26).fill(UNKNOWN_KEY);
for (const [name, id] of Object.entries(Key))
  if (name.length === 2) TWO_LETTER_KEYS[(name.charCodeAt(0) - 97) * 26 + name.charCodeAt(1) - 97] = id;

function twoLetterKey(c1: number, c2: number): number {
  const first = c1 - 97;
  const second = c2 - 97;
  return first >>> 0 < 26 && second >>> 0 < 26 ? TWO_LETTER_KEYS[first * 26 + second]! : UNKNOWN_KEY;
}

function keyId(bytes: Uint8Array, start: number, end: number): number {
  const c0 = bytes[start]!;
  switch (end - start) {
    case 1:
      switch (c0) {
        case 84:
          return Key.T;
        case 83:
          return Key.S;
        case 116:
          return Key.t;
        case 112:
          return Key.p;
        case 115:
          return Key.s;
        case 105:
          return Key.i;
        case 99:
          return Key.c;
        case 111:
          return Key.o;
        case 104:
          return Key.h;
        case 108:
          return Key.l;
        case 118:
          return Key.v;
        case 110:
          return Key.n;
        case 117:
          return Key.u;
        case 100:
          return Key.d;
        case 98:
          return Key.b;
        case 97:
          return Key.a;
        case 114:
          return Key.r;
        default:
          return UNKNOWN_KEY;
      }
    case 2:
      switch ((c0 << 8) | bytes[start + 1]!) {
        case 0x6270:
          return Key.bp;
        case 0x6273:
          return Key.bs;
        case 0x6170:
          return Key.ap;
        case 0x6173:
          return Key.as;
        case 0x7677:
          return Key.vw;
        case 0x7363:
          return Key.sc;
        case 0x736d:
          return Key.sm;
        case 0x7263:
          return Key.rc;
        case 0x726d:
          return Key.rm;
        default:
          return UNKNOWN_KEY;
      }
    case 3:
      return c0 === 116 && bytes[start + 1] === 107 && bytes[start + 2] === 115 ? Key.tks : UNKNOWN_KEY;
    default:
      return UNKNOWN_KEY;
  }
}

function isHexDigit(c: number | undefined): boolean {
  return c !== undefined && ((c >= DIGIT_0 && c <= DIGIT_9) || ((c | 32) >= 97 && (c | 32) <= 102));
}

/** `pos` is just after a backslash; returns the position after the escape, or fails on a bad one. */
function escapeEnd(bytes: Uint8Array, pos: number, end: number): number {
  const c = bytes[pos];
  // " \ / b f n r t
  if (c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116)
    return pos + 1;
  if (
    c === 117 &&
    pos + 4 < end &&
    isHexDigit(bytes[pos + 1]) &&
    isHexDigit(bytes[pos + 2]) &&
    isHexDigit(bytes[pos + 3]) &&
    isHexDigit(bytes[pos + 4])
  )
    return pos + 5;
  return fail('invalid escape sequence in a string', pos - 1);
}

function encodeText(frame: string): Uint8Array {
  return Buffer.from(frame, 'utf8');
}

export class StreamDecoder {
  #bytes: Uint8Array = EMPTY;
  #end = 0;
  /** Side outputs of the scanning helpers, which return the next position. */
  #number = 0;
  #escaped = false;
  /** The closing brackets of the containers #skipValue is inside, innermost last. */
  readonly #closers: number[] = [];

  readonly #numbers = new Float64Array(KEY_COUNT);
  readonly #stringStart = new Int32Array(KEY_COUNT);
  readonly #stringEnd = new Int32Array(KEY_COUNT);
  #numberSeen = 0;
  #stringSeen = 0;
  #escapedStrings = 0;
  #levelsSeen = 0;
  #bids: BookLevel[] = [];
  #asks: BookLevel[] = [];
  #reset = false;
  #timestampUs = Number.NaN;
  #messageError: string | undefined;
  /** Kept apart: only an order-book message is wrong for bad levels under "b" or "a". */
  #levelsError: string | undefined;
  readonly #symbols = new SymbolTable();

  /** Reasons for the messages rejected in the last frame (or for the frame itself). */
  readonly errors: string[] = [];
  /** Well-formed messages of kinds the engine does not use (corrections, cancels, imbalances). */
  ignored = 0;

  /**
   * Appends the frame's valid messages to `out`. Returns false when the frame as a whole is not an
   * array of JSON objects; then nothing was appended and `errors` says why. Strings are accepted
   * for tests and cold paths; the feed passes the frame's bytes.
   */
  decodeFrame(frame: Uint8Array | string, out: StreamMessage[]): boolean {
    // Setting an array's length is not free: only clear what holds something.
    if (this.errors.length !== 0) this.errors.length = 0;
    this.ignored = 0;
    const firstOut = out.length;
    const bytes = typeof frame === 'string' ? encodeText(frame) : frame;
    // Held until the next frame; clearing it in a finally block cost about 10% of a small frame.
    this.#bytes = bytes;
    this.#end = bytes.length;
    try {
      this.#readFrame(bytes, out);
      return true;
    } catch (error) {
      if (!(error instanceof FrameSyntaxError)) throw error;
      out.length = firstOut;
      this.errors.length = 0;
      this.ignored = 0;
      this.errors.push(error.message);
      return false;
    }
  }

  #readFrame(bytes: Uint8Array, out: StreamMessage[]): void {
    const end = bytes.length;
    let pos = skipWhitespace(bytes, 0, end);
    if (bytes[pos] !== LBRACKET) fail('a frame must be a JSON array', pos);
    pos = skipWhitespace(bytes, pos + 1, end);
    if (bytes[pos] === RBRACKET) {
      pos++;
    } else {
      for (;;) {
        pos = this.#readMessage(skipWhitespace(bytes, pos, end), out);
        pos = skipWhitespace(bytes, pos, end);
        const c = bytes[pos++];
        if (c === RBRACKET) break;
        if (c !== COMMA) fail('expected "," or "]" after a message', pos - 1);
      }
    }
    pos = skipWhitespace(bytes, pos, end);
    if (pos !== end) fail('unexpected text after the closing "]"', pos);
  }

  /** `pos` is at the opening quote; returns the position of the closing quote. */
  #scanString(pos: number): number {
    const bytes = this.#bytes;
    const end = this.#end;
    let p = pos + 1;
    let escaped = false;
    for (;;) {
      if (p >= end) fail('unterminated string', p);
      const c = bytes[p]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        // Checked here, not only where a field's value is read: an unknown key's string is never
        // read, and a bad escape there let a frame that is not JSON through (found by fuzzing).
        escaped = true;
        p = escapeEnd(bytes, p + 1, end);
        continue;
      }
      if (c < 32) fail('control character in a string', p);
      p++;
    }
    this.#escaped = escaped;
    return p;
  }

  /** Reads a JSON number at `pos` into #number; returns the position after it. */
  #readNumber(pos: number): number {
    const bytes = this.#bytes;
    const start = pos;
    let negative = false;
    if (bytes[pos] === MINUS) {
      negative = true;
      pos++;
    }
    let mantissa = 0;
    let significant = 0;
    let c = bytes[pos]!;
    if (c === DIGIT_0) {
      c = bytes[++pos]!;
    } else if (c > DIGIT_0 && c <= DIGIT_9) {
      do {
        mantissa = mantissa * 10 + (c - DIGIT_0);
        significant++;
        c = bytes[++pos]!;
      } while (c >= DIGIT_0 && c <= DIGIT_9);
    } else {
      fail('invalid number', pos);
    }
    let fractionDigits = 0;
    if (c === DOT) {
      c = bytes[++pos]!;
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) fail('invalid number', pos);
      do {
        mantissa = mantissa * 10 + (c - DIGIT_0);
        if (mantissa !== 0) significant++;
        fractionDigits++;
        c = bytes[++pos]!;
      } while (c >= DIGIT_0 && c <= DIGIT_9);
    }
    let exponent = false;
    if (c === 101 || c === 69) {
      exponent = true;
      c = bytes[++pos]!;
      if (c === PLUS || c === MINUS) c = bytes[++pos]!;
      if (!(c >= DIGIT_0 && c <= DIGIT_9)) fail('invalid number', pos);
      do c = bytes[++pos]!;
      while (c >= DIGIT_0 && c <= DIGIT_9);
    }
    // With at most 15 significant digits the mantissa and the power of ten are exact doubles, so
    // one division is correctly rounded: the same double JSON.parse gives. Anything else (trade
    // IDs beyond 2^53, exponents) takes the general path.
    if (!exponent && significant <= 15 && fractionDigits <= 15) {
      const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
      this.#number = negative ? -value : value;
    } else {
      this.#number = Number(this.#text(start, pos));
    }
    return pos;
  }

  #text(start: number, end: number): string {
    return utf8.decode(this.#bytes.subarray(start, end));
  }

  #parseJson(start: number, end: number): unknown {
    try {
      return JSON.parse(this.#text(start, end));
    } catch {
      return fail('invalid escape sequence or text', start);
    }
  }

  #skipLiteral(pos: number, literal: string): number {
    for (let i = 0; i < literal.length; i++) {
      if (this.#bytes[pos + i] !== literal.charCodeAt(i)) fail('invalid literal', pos);
    }
    return pos + literal.length;
  }

  /**
   * Skips any JSON value (unknown keys, arrays the engine does not read); returns the next position.
   * A loop with its own stack of closing brackets, not recursion: a frame nested 20,000 deep
   * overflowed the call stack with a RangeError that escaped the frame's rejection (found by
   * test/fuzz/market-data-frames.fuzz.test.ts).
   */
  #skipValue(pos: number): number {
    const bytes = this.#bytes;
    const end = this.#end;
    const closers = this.#closers;
    if (closers.length !== 0) closers.length = 0;
    for (;;) {
      const c = bytes[pos];
      if (c === LBRACKET || c === LBRACE) {
        const close = c === LBRACKET ? RBRACKET : RBRACE;
        pos = skipWhitespace(bytes, pos + 1, end);
        if (bytes[pos] !== close) {
          closers.push(close);
          if (close === RBRACE) pos = this.#skipKey(pos);
          continue;
        }
        pos++;
      } else if (c === QUOTE) pos = this.#scanString(pos) + 1;
      else if (c === 116) pos = this.#skipLiteral(pos, 'true');
      else if (c === 102) pos = this.#skipLiteral(pos, 'false');
      else if (c === 110) pos = this.#skipLiteral(pos, 'null');
      else pos = this.#readNumber(pos);
      // After a value: close what ends here, or move to the next member of the open container.
      for (;;) {
        if (closers.length === 0) return pos;
        pos = skipWhitespace(bytes, pos, end);
        const close = closers[closers.length - 1];
        const next = bytes[pos++];
        if (next === close) {
          closers.pop();
          continue;
        }
        if (next !== COMMA) fail('expected "," in a nested value', pos - 1);
        pos = skipWhitespace(bytes, pos, end);
        if (close === RBRACE) pos = this.#skipKey(pos);
        break;
      }
    }
  }

  /** `pos` is at an object key's opening quote; returns the position of the value after ":". */
  #skipKey(pos: number): number {
    const bytes = this.#bytes;
    const end = this.#end;
    if (bytes[pos] !== QUOTE) fail('expected a key', pos);
    pos = skipWhitespace(bytes, this.#scanString(pos) + 1, end);
    if (bytes[pos] !== COLON) fail('expected ":"', pos);
    return skipWhitespace(bytes, pos + 1, end);
  }

  /** An array of {"p": price, "s": size}. Invalid levels are a message error, not a frame error. */
  #readLevels(pos: number, levels: BookLevel[]): number {
    const bytes = this.#bytes;
    const end = this.#end;
    pos = skipWhitespace(bytes, pos + 1, end);
    if (bytes[pos] === RBRACKET) return pos + 1;
    for (;;) {
      pos = skipWhitespace(bytes, pos, end);
      if (bytes[pos] !== LBRACE) {
        pos = this.#skipValue(pos);
        this.#levelsError ??= 'order book levels must be objects {"p": price, "s": size}';
      } else {
        let price = Number.NaN;
        let size = Number.NaN;
        pos = skipWhitespace(bytes, pos + 1, end);
        if (bytes[pos] === RBRACE) pos++;
        else
          for (;;) {
            pos = skipWhitespace(bytes, pos, end);
            if (bytes[pos] !== QUOTE) fail('expected a key', pos);
            const keyEnd = this.#scanString(pos);
            const key = keyEnd - pos === 2 ? bytes[pos + 1] : 0;
            pos = skipWhitespace(bytes, keyEnd + 1, end);
            if (bytes[pos] !== COLON) fail('expected ":"', pos);
            pos = skipWhitespace(bytes, pos + 1, end);
            const c = bytes[pos]!;
            const isNumber = c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9);
            if (isNumber && key === 112) {
              pos = this.#readNumber(pos);
              price = this.#number;
            } else if (isNumber && key === 115) {
              pos = this.#readNumber(pos);
              size = this.#number;
            } else {
              pos = this.#skipValue(pos);
            }
            pos = skipWhitespace(bytes, pos, end);
            const next = bytes[pos++];
            if (next === RBRACE) break;
            if (next !== COMMA) fail('expected "," or "}" in an order book level', pos - 1);
          }
        if (price > 0 && price < Number.POSITIVE_INFINITY && size >= 0 && size < Number.POSITIVE_INFINITY) {
          levels.push({ price, size });
        } else {
          this.#levelsError ??= 'order book levels need a positive price "p" and a non-negative size "s"';
        }
      }
      pos = skipWhitespace(bytes, pos, end);
      const next = bytes[pos++];
      if (next === RBRACKET) return pos;
      if (next !== COMMA) fail('expected "," or "]" in order book levels', pos - 1);
    }
  }

  #readMessage(pos: number, out: StreamMessage[]): number {
    const bytes = this.#bytes;
    const end = this.#end;
    const objectStart = pos;
    if (bytes[pos] !== LBRACE) fail('each message must be a JSON object', pos);
    this.#numberSeen = 0;
    this.#stringSeen = 0;
    this.#escapedStrings = 0;
    this.#levelsSeen = 0;
    this.#reset = false;
    this.#timestampUs = Number.NaN;
    this.#messageError = undefined;
    this.#levelsError = undefined;
    pos = skipWhitespace(bytes, pos + 1, end);
    if (bytes[pos] === RBRACE) {
      pos++;
    } else {
      for (;;) {
        if (bytes[pos] !== QUOTE) pos = skipWhitespace(bytes, pos, end);
        if (bytes[pos] !== QUOTE) fail('expected a key', pos);
        let key: number;
        // Alpaca's keys are one or two plain characters: recognise those without the general
        // string scan (plain: above '"' and not '\\'; anything else takes the general path).
        const c1 = bytes[pos + 1]!;
        const c2 = bytes[pos + 2]!;
        if (c2 === QUOTE && c1 > QUOTE && c1 !== BACKSLASH) {
          key = c1 < 128 ? ONE_CHAR_KEYS[c1]! : UNKNOWN_KEY;
          pos += 3;
        } else if (
          bytes[pos + 3] === QUOTE &&
          c1 > QUOTE &&
          c1 !== BACKSLASH &&
          c2 > QUOTE &&
          c2 !== BACKSLASH
        ) {
          key = twoLetterKey(c1, c2);
          pos += 4;
        } else {
          const keyEnd = this.#scanString(pos);
          key = this.#escaped ? UNKNOWN_KEY : keyId(bytes, pos + 1, keyEnd);
          pos = keyEnd + 1;
        }
        if (bytes[pos] !== COLON) pos = skipWhitespace(bytes, pos, end);
        if (bytes[pos] !== COLON) fail('expected ":" after a key', pos);
        pos++;
        let c = bytes[pos]!;
        if (isWhitespace(c)) {
          pos = skipWhitespace(bytes, pos, end);
          c = bytes[pos]!;
        }
        if (key === UNKNOWN_KEY) {
          pos = this.#skipValue(pos);
        } else if (c === QUOTE) {
          // A timestamp is read once, where it stands: when it parses and the closing quote follows,
          // its bytes were digits and separators, so the general string scan has nothing to add.
          if (key === Key.t) {
            const us = parseRfc3339PrefixUs(bytes, pos + 1, end);
            const timestampEnd = rfc3339PrefixEnd();
            if (timestampEnd > 0 && bytes[timestampEnd] === QUOTE) {
              this.#stringSeen |= 1 << Key.t;
              this.#stringStart[Key.t] = pos + 1;
              this.#stringEnd[Key.t] = timestampEnd;
              this.#timestampUs = us;
              pos = timestampEnd + 1;
              c = bytes[pos++]!;
              if (isWhitespace(c)) {
                pos = skipWhitespace(bytes, pos, end);
                c = bytes[pos++]!;
              }
              if (c === COMMA) continue;
              if (c === RBRACE) break;
              fail('expected "," or "}" in a message', pos - 1);
            }
          }
          const valueEnd = this.#scanString(pos);
          const bit = 1 << key;
          this.#stringSeen |= bit;
          this.#stringStart[key] = pos + 1;
          this.#stringEnd[key] = valueEnd;
          if (this.#escaped) this.#escapedStrings |= bit;
          else if (key === Key.t) this.#timestampUs = parseRfc3339BytesUs(bytes, pos + 1, valueEnd);
          pos = valueEnd + 1;
        } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
          pos = this.#readNumber(pos);
          this.#numbers[key] = this.#number;
          this.#numberSeen |= 1 << key;
        } else if (c === LBRACKET && (key === Key.b || key === Key.a)) {
          const levels: BookLevel[] = [];
          pos = this.#readLevels(pos, levels);
          if (key === Key.b) this.#bids = levels;
          else this.#asks = levels;
          this.#levelsSeen |= 1 << key;
        } else if (c === 116 && key === Key.r) {
          pos = this.#skipLiteral(pos, 'true');
          this.#reset = true;
        } else {
          pos = this.#skipValue(pos);
        }
        c = bytes[pos++]!;
        if (isWhitespace(c)) {
          pos = skipWhitespace(bytes, pos, end);
          c = bytes[pos++]!;
        }
        if (c === COMMA) continue;
        if (c === RBRACE) break;
        fail('expected "," or "}" in a message', pos - 1);
      }
    }
    this.#emit(out, objectStart, pos);
    return pos;
  }

  #string(key: number): string {
    const start = this.#stringStart[key]!;
    const end = this.#stringEnd[key]!;
    if ((this.#escapedStrings & (1 << key)) !== 0) return this.#parseJson(start - 1, end + 1) as string;
    return this.#text(start, end);
  }

  #optionalString(key: number): string {
    return (this.#stringSeen & (1 << key)) !== 0 ? this.#string(key) : '';
  }

  /** A number field that must be present, finite and at least `min`; NaN (and an error) otherwise. */
  #required(key: number, min: number): number {
    const value = this.#numbers[key]!;
    if ((this.#numberSeen & (1 << key)) !== 0 && value >= min && value < Number.POSITIVE_INFINITY)
      return value;
    this.#messageError ??=
      min > 0
        ? `"${FIELD_NAMES[key]}" must be a positive number`
        : `"${FIELD_NAMES[key]}" must be a number >= ${min}`;
    return Number.NaN;
  }

  #optional(key: number): number {
    return (this.#numberSeen & (1 << key)) !== 0 ? this.#required(key, 0) : 0;
  }

  /** Read from the byte: a string per crypto trade would cost more than the rest of the trade. */
  #takerSide(): TakerSide {
    const start = this.#stringStart[Key.tks]!;
    if ((this.#stringSeen & (1 << Key.tks)) === 0 || this.#stringEnd[Key.tks]! - start !== 1)
      return 'unknown';
    const code = this.#bytes[start];
    return code === 66 ? 'buy' : code === 83 ? 'sell' : 'unknown';
  }

  #timestamp(): number {
    if (Number.isNaN(this.#timestampUs)) this.#messageError ??= '"t" must be an RFC 3339 timestamp';
    return this.#timestampUs;
  }

  #symbol(): string {
    if ((this.#escapedStrings & (1 << Key.S)) !== 0) return this.#string(Key.S);
    return this.#symbols.intern(this.#bytes, this.#stringStart[Key.S]!, this.#stringEnd[Key.S]!);
  }

  #emit(out: StreamMessage[], objectStart: number, objectEnd: number): void {
    if ((this.#stringSeen & (1 << Key.T)) === 0) {
      this.errors.push('message without a "T" type field');
      return;
    }
    const typeStart = this.#stringStart[Key.T]!;
    if (this.#stringEnd[Key.T]! - typeStart !== 1 || (this.#escapedStrings & (1 << Key.T)) !== 0) {
      this.#emitControl(out, objectStart, objectEnd);
      return;
    }
    const type = this.#bytes[typeStart]!;
    if (type === 120 || type === 99 || type === 105) {
      this.ignored++;
      return;
    }
    if ((this.#stringSeen & (1 << Key.S)) === 0 || this.#stringEnd[Key.S]! <= this.#stringStart[Key.S]!) {
      this.errors.push(`"${String.fromCharCode(type)}" message without a symbol "S"`);
      return;
    }
    const symbol = this.#symbol();
    let message: StreamMessage;
    switch (type) {
      case 113: // q
        message = {
          type: 'quote',
          symbol,
          bidPrice: this.#required(Key.bp, 0),
          bidSize: this.#required(Key.bs, 0),
          askPrice: this.#required(Key.ap, 0),
          askSize: this.#required(Key.as, 0),
          timestampUs: this.#timestamp(),
        };
        break;
      case 116: // t
        message = {
          type: 'trade',
          symbol,
          id: this.#optional(Key.i),
          price: this.#required(Key.p, Number.MIN_VALUE),
          size: this.#required(Key.s, 0),
          timestampUs: this.#timestamp(),
          takerSide: this.#takerSide(),
        };
        break;
      case 98: // b: minute bar
      case 100: // d: daily bar
      case 117: {
        // u: updated (corrected) minute bar
        const open = this.#required(Key.o, 0);
        const high = this.#required(Key.h, 0);
        const low = this.#required(Key.l, 0);
        const close = this.#required(Key.c, 0);
        if (!(high >= low && high >= open && high >= close && low <= open && low <= close))
          this.#messageError ??= 'bar prices must satisfy low <= open, close <= high';
        message = {
          type: 'bar',
          symbol,
          kind: type === 98 ? 'minute' : type === 100 ? 'daily' : 'updated',
          startUs: this.#timestamp(),
          open,
          high,
          low,
          close,
          volume: this.#required(Key.v, 0),
          tradeCount: this.#optional(Key.n),
          vwap: this.#optional(Key.vw),
        };
        break;
      }
      case 111: // o
        this.#messageError ??= this.#levelsError;
        message = {
          type: 'orderbook',
          symbol,
          reset: this.#reset,
          bids: (this.#levelsSeen & (1 << Key.b)) !== 0 ? this.#bids : [],
          asks: (this.#levelsSeen & (1 << Key.a)) !== 0 ? this.#asks : [],
          timestampUs: this.#timestamp(),
        };
        break;
      case 115: // s
        if ((this.#stringSeen & (1 << Key.sc)) === 0) this.#messageError ??= '"sc" (status code) is required';
        message = {
          type: 'status',
          symbol,
          statusCode: this.#optionalString(Key.sc),
          statusMessage: this.#optionalString(Key.sm),
          reasonCode: this.#optionalString(Key.rc),
          reasonMessage: this.#optionalString(Key.rm),
          timestampUs: this.#timestamp(),
        };
        break;
      case 108: // l
        message = {
          type: 'luld',
          symbol,
          limitUp: this.#required(Key.u, 0),
          limitDown: this.#required(Key.d, 0),
          indicator: this.#optionalString(Key.i),
          timestampUs: this.#timestamp(),
        };
        break;
      default:
        this.ignored++;
        return;
    }
    if (this.#messageError !== undefined) {
      this.errors.push(`"${String.fromCharCode(type)}" message for ${symbol}: ${this.#messageError}`);
      return;
    }
    out.push(message);
  }

  #emitControl(out: StreamMessage[], objectStart: number, objectEnd: number): void {
    const raw = this.#parseJson(objectStart, objectEnd) as Record<string, unknown>;
    switch (raw.T) {
      case 'success':
        if (typeof raw.msg !== 'string') break;
        out.push({ type: 'success', message: raw.msg });
        return;
      case 'error':
        if (typeof raw.code !== 'number' || !Number.isInteger(raw.code)) break;
        out.push({ type: 'error', code: raw.code, message: typeof raw.msg === 'string' ? raw.msg : '' });
        return;
      case 'subscription': {
        const channels: Record<string, readonly string[]> = {};
        for (const [name, value] of Object.entries(raw)) {
          if (name === 'T') continue;
          if (!Array.isArray(value) || !value.every((symbol) => typeof symbol === 'string')) {
            this.errors.push(`subscription message: channel "${name}" must be an array of symbols`);
            return;
          }
          channels[name] = value;
        }
        out.push({ type: 'subscription', channels });
        return;
      }
      default:
        this.ignored++;
        return;
    }
    this.errors.push(`"${String(raw.T)}" control message with missing or mistyped fields`);
  }
}
