/**
 * Backtest CSV bar files fuzzed: any bytes load as bars or throw a BarDataError that names the
 * file (and the line, for a line's problem), never another exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarDataError } from '../../backtest/data/bar-data-error.ts';
import { loadCsvBytes } from '../../backtest/data/bar-files.ts';
import { expectOnlyDocumentedError } from './fuzz-expectations.ts';
import { assertFuzz, FUZZ_TEST_TIMEOUT_MS } from './fuzz-settings.ts';
import { hostileBytes, hostileNumericText } from './hostile-values.ts';

const HEADER = 'timestamp,symbol,open,high,low,close,volume';
const LINES = [
  '2024-03-08T14:30:00Z,AAPL,170.1,170.5,169.9,170.2,12000',
  '2024-03-08 14:31:00-05:00,AAPL,170.2,170.6,170.0,170.4,9000',
  '1709908320,AAPL,170.4,170.7,170.3,170.5,8000',
  '2024-03-08,MSFT,400,401,399,400.5,100',
];

/** A valid file with one field of one line replaced, a line cut, or bytes spliced in. */
const csvFile: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(
      fc.nat(LINES.length - 1),
      fc.nat(6),
      fc.oneof(hostileNumericText, fc.string({ unit: 'binary', maxLength: 30 })),
    )
    .map(([line, field, value]) => {
      const lines = [...LINES];
      const fields = lines[line]!.split(',');
      fields[field] = value;
      lines[line] = fields.join(',');
      return Buffer.from([HEADER, ...lines].join('\n'));
    }),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 8 })).map(([at, noise]) => {
    const text = Buffer.from([HEADER, ...LINES].join('\r\n'));
    const cut = at % (text.length + 1);
    return Buffer.concat([text.subarray(0, cut), noise, text.subarray(cut)]);
  }),
  hostileBytes.map((bytes) => Buffer.concat([Buffer.from(`${HEADER}\n`), bytes])),
  hostileBytes,
);

describe('Backtest data files under fuzzed input', () => {
  it(
    'CSV bars: any bytes load or throw a BarDataError naming the file',
    () => {
      assertFuzz(
        fc.property(csvFile, (bytes) => {
          const result = expectOnlyDocumentedError(BarDataError, () =>
            loadCsvBytes('fuzzed.csv', Buffer.from(bytes)),
          );
          if (!result.ok) expect(result.error.message).toContain('fuzzed.csv');
        }),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
