/**
 * Bars from a CSV file: a header naming the columns timestamp, symbol, open, high, low, close and
 * volume in any order (no others; symbol may be left out when the file is named after its one
 * symbol, AAPL.csv or BTC-USD.csv), then one bar per line. Fields are plain: no quoting, a comma
 * never inside one. Blank lines are skipped, CRLF line ends and a UTF-8 byte-order mark accepted.
 *
 * A timestamp is the start of the bar, one of:
 * - RFC 3339 with a zone, `2024-03-08T14:30:00Z`, `2024-03-08T09:30:00-05:00` (a space may stand
 *   for the T, as pandas writes it);
 * - a date, `2024-03-08`: New York midnight, as Alpaca labels daily bars;
 * - epoch seconds or milliseconds, whole numbers, told apart by size: below 100,000,000,000 they are
 *   seconds (that many milliseconds would be March 1973, that many seconds the year 5138).
 *
 * Speed: the file is read once into a buffer and scanned byte by byte; timestamps and plain decimals
 * are read from the bytes, so a line makes no string unless it is wrong (measured in
 * bench/backtest/bar-sources.bench.ts).
 */
import { basename, extname } from 'node:path';
import { parseRfc3339BytesUs } from '../../shared/broker/alpaca/market-data/rfc3339.ts';
import { parseSymbol } from '../../shared/domain/symbol.ts';
import { newYorkToUtcMs } from '../../shared/time/new-york-time.ts';
import type { BarColumnsBuilder } from './bar-columns.ts';
import type { ProblemLog } from './bar-data-error.ts';
import { readDataFile } from './read-data-file.ts';
import { symbolOfFileStem } from './symbol-file-name.ts';

export const CSV_COLUMNS = ['timestamp', 'symbol', 'open', 'high', 'low', 'close', 'volume'] as const;
type Column = (typeof CSV_COLUMNS)[number];

const HEADER_RULE = `the header must name the columns ${CSV_COLUMNS.join(',')} in any order and no others (symbol may be left out when the file is named after its symbol, e.g. AAPL.csv or BTC-USD.csv)`;
const TIMESTAMP_RULE =
  'RFC 3339 with a zone (2024-03-08T14:30:00Z), a date (2024-03-08, New York midnight), or whole epoch seconds or milliseconds';

const EPOCH_MS_FROM = 100_000_000_000;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const SPACE = 32;
const LETTER_T = 84;
const DIGIT_0 = 48;
/** Exact powers of ten: a whole number below 2^53 divided by one is the correctly rounded decimal. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, n) => 10 ** n);
/** Symbols recognised by comparing bytes before the reader falls back to a map of strings. */
const BYTE_MATCHED_SYMBOLS = 16;

/** Column positions from the header line, or what is wrong with it. */
function columnOrder(header: string): Map<Column, number> | string {
  const names = header.split(',').map((name) => name.trim().toLowerCase());
  const order = new Map<Column, number>();
  for (const [position, name] of names.entries()) {
    const column = CSV_COLUMNS.find((known) => known === name);
    if (column === undefined || order.has(column)) return `${HEADER_RULE}; got "${header}"`;
    order.set(column, position);
  }
  const missing = CSV_COLUMNS.filter((column) => column !== 'symbol' && !order.has(column));
  if (missing.length > 0) return `${HEADER_RULE}; got "${header}"`;
  return order;
}

/** Epoch µs of a New York date written YYYY-MM-DD, or NaN. */
function dateUs(text: string): number {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  const valid =
    text.charCodeAt(7) === DASH &&
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) === text;
  return valid ? newYorkToUtcMs(text, 0) * 1000 : Number.NaN;
}

/** Whole epoch seconds or milliseconds in bytes[start, end) as µs, or NaN. */
function epochUs(bytes: Uint8Array, start: number, end: number): number {
  if (end === start || end - start > 16) return Number.NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = bytes[i]! - DIGIT_0;
    if (digit >>> 0 > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value < EPOCH_MS_FROM ? value * 1_000_000 : value * 1000;
}

function timestampUs(bytes: Buffer, start: number, end: number): number {
  if (end - start >= 10 && bytes[start + 4] === DASH) {
    if (end - start === 10) return dateUs(bytes.toString('latin1', start, end));
    // RFC 3339 allows a space for the T; the buffer is ours, so make it the T the parser reads.
    if (bytes[start + 10] === SPACE) bytes[start + 10] = LETTER_T;
    return parseRfc3339BytesUs(bytes, start, end);
  }
  return epochUs(bytes, start, end);
}

/**
 * The number in bytes[start, end), or NaN. Plain decimals (digits and a point, up to 15 digits)
 * are read here, exactly as Number would read them; anything else goes to Number, except what
 * Number reads but a CSV does not mean: an empty field (0) and hexadecimal, octal or binary.
 */
function numberAt(bytes: Buffer, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    const digit = byte - DIGIT_0;
    if (digit >>> 0 <= 9) {
      mantissa = mantissa * 10 + digit;
      digits++;
      if (decimals >= 0) decimals++;
    } else if (byte === DOT && decimals < 0) {
      decimals = 0;
    } else {
      digits = -1;
      break;
    }
  }
  if (digits > 0 && digits <= 15) return decimals > 0 ? mantissa / POWERS_OF_TEN[decimals]! : mantissa;
  const text = bytes.toString('latin1', start, end).trim();
  if (text === '' || /^[+-]?0[a-z]/i.test(text)) return Number.NaN;
  return Number(text);
}

/**
 * Appends the bars of one CSV file to `bars`, reporting each bad line to `problems` as
 * `file:line: what is wrong`. Nothing of a file with a bad header is read.
 */
export function readCsvBars(file: string, bars: BarColumnsBuilder, problems: ProblemLog): void {
  readCsvBytes(file, readDataFile(file), bars, problems);
}

/**
 * readCsvBars on a file's bytes already in memory (a sweep's grid point reads its run's bars from
 * S3): `file` names it in the problems and, without a symbol column, gives its symbol. The buffer
 * may be changed (a space in a timestamp becomes the T).
 */
export function readCsvBytes(
  file: string,
  bytes: Buffer,
  bars: BarColumnsBuilder,
  problems: ProblemLog,
): void {
  const length = bytes.length;
  const hasByteOrderMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const headerStart = hasByteOrderMark ? 3 : 0;
  let headerEnd = bytes.indexOf(NEWLINE, headerStart);
  if (headerEnd < 0) headerEnd = length;
  const header = bytes.toString('utf8', headerStart, headerEnd).replace(/\r$/, '');
  if (header.trim() === '') {
    problems.add(`${file}:1`, `no header: ${HEADER_RULE}`);
    return;
  }
  const order = columnOrder(header);
  if (typeof order === 'string') {
    problems.add(`${file}:1`, order);
    return;
  }
  const fieldCount = order.size;
  let fileSymbol = -1;
  if (!order.has('symbol')) {
    const stem = basename(file, extname(file));
    const symbol = symbolOfFileStem(stem);
    if (symbol === undefined) {
      problems.add(
        `${file}:1`,
        `no symbol column, and the file name "${stem}" is not a symbol (AAPL.csv, BTC-USD.csv); ${HEADER_RULE}`,
      );
      return;
    }
    fileSymbol = bars.symbolIndex(symbol);
  }
  const timestampAt = order.get('timestamp')!;
  const symbolAt = order.get('symbol') ?? -1;
  const numberColumns = (['open', 'high', 'low', 'close', 'volume'] as const).map(
    (name) => [name, order.get(name)!] as const,
  );
  const [openAt, highAt, lowAt, closeAt, volumeAt] = numberColumns.map(([, at]) => at) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const starts = new Int32Array(fieldCount);
  const ends = new Int32Array(fieldCount);
  const symbols = new SymbolFields(bytes, bars);
  const field = (at: number): number => numberAt(bytes, starts[at]!, ends[at]!);
  const fieldText = (at: number): string => bytes.toString('utf8', starts[at]!, ends[at]!);

  let line = 1;
  const report = (what: string): void => problems.add(`${file}:${line}`, what);
  for (let position = headerEnd + 1; position < length; ) {
    line++;
    let count = 0;
    let fieldStart = position;
    let i = position;
    for (; i < length; i++) {
      const byte = bytes[i]!;
      if (byte === NEWLINE) break;
      if (byte === COMMA) {
        if (count < fieldCount) {
          starts[count] = fieldStart;
          ends[count] = i;
        }
        count++;
        fieldStart = i + 1;
      }
    }
    const lineStart = position;
    position = i + 1;
    const end = i > lineStart && bytes[i - 1] === CARRIAGE_RETURN ? i - 1 : i;
    if (end === lineStart) continue;
    if (count < fieldCount) {
      starts[count] = fieldStart;
      ends[count] = Math.max(fieldStart, end);
    }
    count++;
    if (count !== fieldCount) {
      report(`expected ${fieldCount} fields as the header names them, got ${count}`);
      continue;
    }
    const startUs = timestampUs(bytes, starts[timestampAt]!, ends[timestampAt]!);
    if (Number.isNaN(startUs)) {
      report(`timestamp "${fieldText(timestampAt)}" is not ${TIMESTAMP_RULE}`);
      continue;
    }
    const symbol = fileSymbol >= 0 ? fileSymbol : symbols.indexOf(starts[symbolAt]!, ends[symbolAt]!);
    if (typeof symbol === 'string') {
      report(symbol);
      continue;
    }
    const open = field(openAt);
    const high = field(highAt);
    const low = field(lowAt);
    const close = field(closeAt);
    const volume = field(volumeAt);
    if (Number.isNaN(open + high + low + close + volume)) {
      const [name, at] = numberColumns.find(([, at]) => Number.isNaN(field(at)))!;
      report(`${name} "${fieldText(at)}" is not a number`);
      continue;
    }
    const problem = bars.append(symbol, startUs, open, high, low, close, volume);
    if (problem !== undefined) report(problem);
  }
}

/**
 * A symbol field to the builder's index of its symbol, or the reason it is none. The first few
 * symbols are recognised by their bytes, so a file of a handful of symbols makes no string a line.
 */
class SymbolFields {
  readonly #bytes: Buffer;
  readonly #bars: BarColumnsBuilder;
  /** Where each symbol was first seen in the file, and what it means. */
  readonly #seen: { start: number; end: number; value: number | string }[] = [];
  readonly #byText = new Map<string, number | string>();

  constructor(bytes: Buffer, bars: BarColumnsBuilder) {
    this.#bytes = bytes;
    this.#bars = bars;
  }

  indexOf(start: number, end: number): number | string {
    const bytes = this.#bytes;
    for (const seen of this.#seen) {
      if (seen.end - seen.start !== end - start) continue;
      let same = true;
      for (let k = 0; k < end - start && same; k++) same = bytes[seen.start + k] === bytes[start + k];
      if (same) return seen.value;
    }
    const text = bytes.toString('utf8', start, end);
    let value = this.#byText.get(text);
    if (value === undefined) {
      const parsed = parseSymbol(text.trim());
      value = parsed.ok ? this.#bars.symbolIndex(parsed.instrument.symbol) : `symbol: ${parsed.reason}`;
      this.#byText.set(text, value);
      if (this.#seen.length < BYTE_MATCHED_SYMBOLS) this.#seen.push({ start, end, value });
    }
    return value;
  }
}
