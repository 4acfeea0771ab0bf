/**
 * Decodes and validates Alpaca market-data stream frames (JSON text: an array of objects tagged
 * by "T") into tagged domain messages.
 *
 * Why a hand-written scanner: measured on this machine (Node 24, bench `md.parse` and the
 * comparison in bench/marketdata/parse.bench.ts), one ~130-byte quote frame costs about
 * 0.8-1.0 µs p50 with JSON.parse plus hand validation of the resulting object (and more at p99,
 * from the garbage of the intermediate object graph), while this scanner reads the fields straight
 * out of the string into the final object in about 0.2-0.3 µs, validation included. zod was
 * several µs per message, so it stays on cold paths (REST bodies, config).
 *
 * The scanner accepts any valid JSON for the frame's shape (whitespace, key order, escapes,
 * exponents, unknown keys) and rejects anything else: a frame that is not syntactically an array
 * of objects is rejected whole (nothing from it is delivered); a well-formed message with a
 * missing or wrong field is rejected alone, with a reason naming the field. Control messages
 * (success, error, subscription) are rare and go through JSON.parse.
 */
import type { BookLevel, TakerSide } from '../../shared/domain/market-data.ts';
import { parseRfc3339Us } from './rfc3339.ts';
import type { StreamMessage } from './stream-messages.ts';

/** Field keys the decoder reads; each is a bit in the per-object "seen" masks. */
const Key = {
  T: 0,
  S: 1,
  t: 2,
  p: 3,
  s: 4,
  i: 5,
  x: 6,
  c: 7,
  bp: 8,
  bs: 9,
  ap: 10,
  as: 11,
  o: 12,
  h: 13,
  l: 14,
  v: 15,
  n: 16,
  vw: 17,
  u: 18,
  d: 19,
  tks: 20,
  b: 21,
  a: 22,
  r: 23,
  sc: 24,
  sm: 25,
  rc: 26,
  rm: 27,
} as const;
const KEY_COUNT = 28;
const UNKNOWN_KEY = -1;

const CH_QUOTE = 34;
const CH_BACKSLASH = 92;
const CH_COMMA = 44;
const CH_COLON = 58;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_LBRACE = 123;
const CH_RBRACE = 125;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_DOT = 46;
const CH_0 = 48;
const CH_9 = 57;

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Thrown inside the scanner only; decodeFrame turns it into a rejected frame. */
class FrameSyntaxError extends Error {
  override readonly name = 'FrameSyntaxError';
}

function keyId(text: string, start: number, end: number): number {
  const c0 = text.charCodeAt(start);
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
        case 120:
          return Key.x;
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
      switch ((c0 << 8) | text.charCodeAt(start + 1)) {
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
      return text.startsWith('tks', start) ? Key.tks : UNKNOWN_KEY;
    default:
      return UNKNOWN_KEY;
  }
}

const FIELD_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Key).map(([name, id]) => [id, name]),
);

function takerSide(code: string): TakerSide {
  return code === 'B' ? 'buy' : code === 'S' ? 'sell' : 'unknown';
}

export class StreamDecoder {
  #text = '';
  #pos = 0;
  readonly #numbers = new Float64Array(KEY_COUNT);
  readonly #stringStart = new Int32Array(KEY_COUNT);
  readonly #stringEnd = new Int32Array(KEY_COUNT);
  #numberSeen = 0;
  #stringSeen = 0;
  #escapedStrings = 0;
  #bids: BookLevel[] = [];
  #asks: BookLevel[] = [];
  #levelsSeen = 0;
  #reset = false;
  #timestampUs = Number.NaN;
  #messageError: string | undefined;

  /** Reasons for the messages rejected in the last frame (and the frame itself, if it was). */
  readonly errors: string[] = [];
  /** Well-formed messages of kinds the engine does not use (corrections, cancels, imbalances). */
  ignored = 0;

  /**
   * Appends the frame's valid messages to `out`. Returns false when the frame as a whole is not
   * an array of JSON objects; then nothing was appended and `errors` says why.
   */
  decodeFrame(text: string, out: StreamMessage[]): boolean {
    this.errors.length = 0;
    this.ignored = 0;
    const firstOut = out.length;
    this.#text = text;
    this.#pos = 0;
    try {
      this.#skipWhitespace();
      this.#expect(CH_LBRACKET, 'a frame must be a JSON array');
      this.#skipWhitespace();
      if (this.#peek() === CH_RBRACKET) {
        this.#pos++;
      } else {
        for (;;) {
          this.#skipWhitespace();
          this.#readMessage(out);
          this.#skipWhitespace();
          const c = this.#next();
          if (c === CH_RBRACKET) break;
          if (c !== CH_COMMA) this.#fail('expected "," or "]" after a message');
        }
      }
      this.#skipWhitespace();
      if (this.#pos !== text.length) this.#fail('unexpected text after the closing "]"');
      return true;
    } catch (error) {
      if (!(error instanceof FrameSyntaxError)) throw error;
      out.length = firstOut;
      this.errors.length = 0;
      this.ignored = 0;
      this.errors.push(error.message);
      return false;
    } finally {
      this.#text = '';
    }
  }

  #fail(what: string): never {
    throw new FrameSyntaxError(`malformed frame at offset ${this.#pos}: ${what}`);
  }

  #peek(): number {
    return this.#text.charCodeAt(this.#pos);
  }

  #next(): number {
    return this.#text.charCodeAt(this.#pos++);
  }

  #expect(code: number, what: string): void {
    if (this.#text.charCodeAt(this.#pos) !== code) this.#fail(what);
    this.#pos++;
  }

  #skipWhitespace(): void {
    const text = this.#text;
    let pos = this.#pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
    this.#pos = pos;
  }

  /** Leaves #pos after the closing quote; returns the index of that quote; counts escapes. */
  #scanString(): number {
    const text = this.#text;
    let pos = this.#pos + 1;
    let escaped = false;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === CH_QUOTE) break;
      if (c === CH_BACKSLASH) {
        escaped = true;
        pos += 2;
        continue;
      }
      if (!(c >= 32)) {
        this.#pos = pos;
        this.#fail(Number.isNaN(c) ? 'unterminated string' : 'control character in a string');
      }
      pos++;
    }
    this.#pos = pos + 1;
    this.#lastStringEscaped = escaped;
    return pos;
  }

  #lastStringEscaped = false;

  #readNumber(): number {
    const text = this.#text;
    const start = this.#pos;
    let pos = start;
    let negative = false;
    if (text.charCodeAt(pos) === CH_MINUS) {
      negative = true;
      pos++;
    }
    let mantissa = 0;
    let digitCount = 0;
    let c = text.charCodeAt(pos);
    if (c === CH_0) {
      pos++;
      c = text.charCodeAt(pos);
    } else if (c > CH_0 && c <= CH_9) {
      do {
        mantissa = mantissa * 10 + (c - CH_0);
        digitCount++;
        c = text.charCodeAt(++pos);
      } while (c >= CH_0 && c <= CH_9);
    } else {
      this.#fail('invalid number');
    }
    let fractionDigits = 0;
    if (c === CH_DOT) {
      c = text.charCodeAt(++pos);
      if (!(c >= CH_0 && c <= CH_9)) this.#fail('invalid number');
      do {
        mantissa = mantissa * 10 + (c - CH_0);
        if (mantissa !== 0) digitCount++;
        fractionDigits++;
        c = text.charCodeAt(++pos);
      } while (c >= CH_0 && c <= CH_9);
    }
    let exponentForm = false;
    if (c === 101 || c === 69) {
      exponentForm = true;
      c = text.charCodeAt(++pos);
      if (c === CH_PLUS || c === CH_MINUS) c = text.charCodeAt(++pos);
      if (!(c >= CH_0 && c <= CH_9)) this.#fail('invalid number');
      do c = text.charCodeAt(++pos);
      while (c >= CH_0 && c <= CH_9);
    }
    this.#pos = pos;
    // Up to 15 significant digits, the mantissa and the power of ten are both exact doubles, so
    // one division is correctly rounded (the same value Number() gives); anything else takes
    // the general path.
    if (!exponentForm && digitCount <= 15 && fractionDigits <= 15) {
      const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
      return negative ? -value : value;
    }
    return Number(text.slice(start, pos));
  }

  #skipLiteral(literal: string): void {
    if (!this.#text.startsWith(literal, this.#pos)) this.#fail('invalid literal');
    this.#pos += literal.length;
  }

  /** Skips any JSON value (used for unknown keys and arrays the engine does not read). */
  #skipValue(): void {
    const c = this.#peek();
    if (c === CH_QUOTE) {
      this.#scanString();
    } else if (c === CH_LBRACKET || c === CH_LBRACE) {
      const close = c === CH_LBRACKET ? CH_RBRACKET : CH_RBRACE;
      this.#pos++;
      this.#skipWhitespace();
      if (this.#peek() === close) {
        this.#pos++;
        return;
      }
      for (;;) {
        this.#skipWhitespace();
        if (close === CH_RBRACE) {
          if (this.#peek() !== CH_QUOTE) this.#fail('expected a key');
          this.#scanString();
          this.#skipWhitespace();
          this.#expect(CH_COLON, 'expected ":"');
          this.#skipWhitespace();
        }
        this.#skipValue();
        this.#skipWhitespace();
        const next = this.#next();
        if (next === close) return;
        if (next !== CH_COMMA) this.#fail('expected "," in a nested value');
      }
    } else if (c === 116) {
      this.#skipLiteral('true');
    } else if (c === 102) {
      this.#skipLiteral('false');
    } else if (c === 110) {
      this.#skipLiteral('null');
    } else {
      this.#readNumber();
    }
  }

  /** An array of {"p": price, "s": size}; invalid levels become a message error, not a frame error. */
  #readLevels(): BookLevel[] {
    const levels: BookLevel[] = [];
    this.#pos++;
    this.#skipWhitespace();
    if (this.#peek() === CH_RBRACKET) {
      this.#pos++;
      return levels;
    }
    for (;;) {
      this.#skipWhitespace();
      if (this.#peek() !== CH_LBRACE) {
        this.#skipValue();
        this.#messageError ??= 'order book levels must be objects {"p": price, "s": size}';
      } else {
        this.#pos++;
        let price = Number.NaN;
        let size = Number.NaN;
        this.#skipWhitespace();
        if (this.#peek() === CH_RBRACE) this.#pos++;
        else
          for (;;) {
            this.#skipWhitespace();
            if (this.#peek() !== CH_QUOTE) this.#fail('expected a key');
            const keyStart = this.#pos + 1;
            const keyEnd = this.#scanString();
            this.#skipWhitespace();
            this.#expect(CH_COLON, 'expected ":"');
            this.#skipWhitespace();
            const c = this.#peek();
            const isNumber = c === CH_MINUS || (c >= CH_0 && c <= CH_9);
            const key = keyEnd - keyStart === 1 ? this.#text.charCodeAt(keyStart) : 0;
            if (isNumber && key === 112) price = this.#readNumber();
            else if (isNumber && key === 115) size = this.#readNumber();
            else this.#skipValue();
            this.#skipWhitespace();
            const next = this.#next();
            if (next === CH_RBRACE) break;
            if (next !== CH_COMMA) this.#fail('expected "," or "}" in an order book level');
          }
        if (price > 0 && price < Number.POSITIVE_INFINITY && size >= 0 && size < Number.POSITIVE_INFINITY) {
          levels.push({ price, size });
        } else {
          this.#messageError ??= 'order book levels need a positive price "p" and a non-negative size "s"';
        }
      }
      this.#skipWhitespace();
      const next = this.#next();
      if (next === CH_RBRACKET) return levels;
      if (next !== CH_COMMA) this.#fail('expected "," or "]" in order book levels');
    }
  }

  #readMessage(out: StreamMessage[]): void {
    const objectStart = this.#pos;
    this.#expect(CH_LBRACE, 'each message must be a JSON object');
    this.#numberSeen = 0;
    this.#stringSeen = 0;
    this.#escapedStrings = 0;
    this.#levelsSeen = 0;
    this.#reset = false;
    this.#timestampUs = Number.NaN;
    this.#messageError = undefined;
    const text = this.#text;
    this.#skipWhitespace();
    if (this.#peek() === CH_RBRACE) {
      this.#pos++;
    } else {
      for (;;) {
        this.#skipWhitespace();
        if (this.#peek() !== CH_QUOTE) this.#fail('expected a key');
        const keyStart = this.#pos + 1;
        const keyEnd = this.#scanString();
        const key = this.#lastStringEscaped ? UNKNOWN_KEY : keyId(text, keyStart, keyEnd);
        this.#skipWhitespace();
        this.#expect(CH_COLON, 'expected ":" after a key');
        this.#skipWhitespace();
        const c = this.#peek();
        if (key === UNKNOWN_KEY) {
          this.#skipValue();
        } else if (c === CH_QUOTE) {
          const valueStart = this.#pos + 1;
          const valueEnd = this.#scanString();
          const bit = 1 << key;
          this.#stringSeen |= bit;
          this.#stringStart[key] = valueStart;
          this.#stringEnd[key] = valueEnd;
          if (this.#lastStringEscaped) this.#escapedStrings |= bit;
          else if (key === Key.t) this.#timestampUs = parseRfc3339Us(text, valueStart, valueEnd);
        } else if (c === CH_MINUS || (c >= CH_0 && c <= CH_9)) {
          this.#numbers[key] = this.#readNumber();
          this.#numberSeen |= 1 << key;
        } else if (c === CH_LBRACKET && (key === Key.b || key === Key.a)) {
          const levels = this.#readLevels();
          if (key === Key.b) this.#bids = levels;
          else this.#asks = levels;
          this.#levelsSeen |= 1 << key;
        } else if (c === 116 && key === Key.r) {
          this.#skipLiteral('true');
          this.#reset = true;
        } else {
          this.#skipValue();
        }
        this.#skipWhitespace();
        const next = this.#next();
        if (next === CH_RBRACE) break;
        if (next !== CH_COMMA) this.#fail('expected "," or "}" in a message');
      }
    }
    this.#emit(out, objectStart);
  }

  /** For the rare texts the scanner hands over (escaped strings, control messages). */
  #parseJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      this.#fail('invalid escape sequence');
    }
  }

  #string(key: number): string {
    const start = this.#stringStart[key]!;
    const end = this.#stringEnd[key]!;
    if ((this.#escapedStrings & (1 << key)) !== 0)
      return this.#parseJson(this.#text.slice(start - 1, end + 1));
    return this.#text.slice(start, end);
  }

  #optionalString(key: number): string {
    return (this.#stringSeen & (1 << key)) !== 0 ? this.#string(key) : '';
  }

  /** A number field that must be present, finite and at least `min`; NaN (and an error) otherwise. */
  #number(key: number, min: number): number {
    const value = this.#numbers[key]!;
    if ((this.#numberSeen & (1 << key)) !== 0 && value >= min && value < Number.POSITIVE_INFINITY)
      return value;
    this.#messageError ??=
      min > 0
        ? `"${FIELD_NAMES[key]}" must be a positive number`
        : `"${FIELD_NAMES[key]}" must be a number >= ${min}`;
    return Number.NaN;
  }

  #optionalNumber(key: number): number {
    return (this.#numberSeen & (1 << key)) !== 0 ? this.#number(key, 0) : 0;
  }

  #timestamp(): number {
    if (Number.isNaN(this.#timestampUs)) this.#messageError ??= '"t" must be an RFC 3339 timestamp';
    return this.#timestampUs;
  }

  #emit(out: StreamMessage[], objectStart: number): void {
    if ((this.#stringSeen & (1 << Key.T)) === 0) {
      this.errors.push('message without a "T" type field');
      return;
    }
    const typeLength = this.#stringEnd[Key.T]! - this.#stringStart[Key.T]!;
    if (typeLength !== 1) {
      this.#emitControl(out, this.#text.slice(objectStart, this.#pos));
      return;
    }
    const type = this.#text.charCodeAt(this.#stringStart[Key.T]!);
    if (type === 120 || type === 99 || type === 105) {
      this.ignored++;
      return;
    }
    if ((this.#stringSeen & (1 << Key.S)) === 0 || this.#stringEnd[Key.S]! <= this.#stringStart[Key.S]!) {
      this.errors.push(`"${String.fromCharCode(type)}" message without a symbol "S"`);
      return;
    }
    const symbol = this.#string(Key.S);
    let message: StreamMessage | undefined;
    switch (type) {
      case 113: // q
        message = {
          type: 'quote',
          symbol,
          bidPrice: this.#number(Key.bp, 0),
          bidSize: this.#number(Key.bs, 0),
          askPrice: this.#number(Key.ap, 0),
          askSize: this.#number(Key.as, 0),
          timestampUs: this.#timestamp(),
        };
        break;
      case 116: // t
        message = {
          type: 'trade',
          symbol,
          id: this.#optionalNumber(Key.i),
          price: this.#number(Key.p, Number.MIN_VALUE),
          size: this.#number(Key.s, 0),
          timestampUs: this.#timestamp(),
          takerSide: takerSide(this.#optionalString(Key.tks)),
        };
        break;
      case 98: // b
      case 100: // d
      case 117: {
        // u
        const open = this.#number(Key.o, 0);
        const high = this.#number(Key.h, 0);
        const low = this.#number(Key.l, 0);
        const close = this.#number(Key.c, 0);
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
          volume: this.#number(Key.v, 0),
          tradeCount: this.#optionalNumber(Key.n),
          vwap: this.#optionalNumber(Key.vw),
        };
        break;
      }
      case 111: // o
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
          limitUp: this.#number(Key.u, 0),
          limitDown: this.#number(Key.d, 0),
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

  #emitControl(out: StreamMessage[], objectText: string): void {
    const raw = this.#parseJson(objectText) as Record<string, unknown>;
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
