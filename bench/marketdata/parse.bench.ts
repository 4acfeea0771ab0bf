/**
 * md.parse: one quote frame (about 130 bytes, as Alpaca sends it) to a validated Quote.
 * md.parse_json_baseline: the alternative that was measured and rejected (JSON.parse, then the
 * same field checks by hand on the parsed object); kept so the choice can be re-checked.
 */

import { parseRfc3339Us } from '../../shared/broker/alpaca/market-data/rfc3339.ts';
import { StreamDecoder } from '../../shared/broker/alpaca/market-data/stream-decoder.ts';
import type { StreamMessage } from '../../shared/broker/alpaca/market-data/stream-messages.ts';
import { latencyBenchmark } from '../harness.ts';

const SYMBOLS = ['AAPL', 'AMD', 'MSFT', 'NVDA', 'SPY', 'TSLA', 'META', 'QQQ'];

/** Distinct frames so neither V8 nor the CPU sees one input over and over. */
export function quoteFrames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const bid = (100 + (i % 997) * 0.01).toFixed(2);
    const ask = (100.01 + (i % 997) * 0.01).toFixed(2);
    const nanos = String(100_000_000 + ((i * 7919) % 899_999_999)).padStart(9, '0');
    return `[{"T":"q","S":"${SYMBOLS[i % SYMBOLS.length]}","bx":"V","bp":${bid},"bs":${1 + (i % 9)},"ax":"V","ap":${ask},"as":${2 + (i % 7)},"c":["R"],"z":"C","t":"2026-11-24T15:51:45.${nanos}Z"}]`;
  });
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY;
}

/** The rejected design: JSON.parse, then hand validation, then the domain object. */
function parseWithJson(text: string): StreamMessage | undefined {
  const array: unknown = JSON.parse(text);
  if (!Array.isArray(array)) return undefined;
  const raw = array[0] as Record<string, unknown>;
  if (
    raw.T !== 'q' ||
    typeof raw.S !== 'string' ||
    !isNonNegative(raw.bp) ||
    !isNonNegative(raw.bs) ||
    !isNonNegative(raw.ap) ||
    !isNonNegative(raw.as) ||
    typeof raw.t !== 'string'
  )
    return undefined;
  const timestampUs = parseRfc3339Us(raw.t);
  if (Number.isNaN(timestampUs)) return undefined;
  return {
    type: 'quote',
    symbol: raw.S,
    bidPrice: raw.bp,
    bidSize: raw.bs,
    askPrice: raw.ap,
    askSize: raw.as,
    timestampUs,
  };
}

const FRAME_COUNT = 4096;

export const benchmarks = [
  latencyBenchmark({
    name: 'md.parse',
    iterations: 400_000,
    warmup: 100_000,
    setup: () => ({
      decoder: new StreamDecoder(),
      frames: quoteFrames(FRAME_COUNT),
      out: [] as StreamMessage[],
    }),
    op: ({ decoder, frames, out }, i) => {
      out.length = 0;
      decoder.decodeFrame(frames[i & (FRAME_COUNT - 1)]!, out);
      return out[0];
    },
  }),
  latencyBenchmark({
    name: 'md.parse_json_baseline',
    iterations: 400_000,
    warmup: 100_000,
    setup: () => quoteFrames(FRAME_COUNT).map((frame) => Buffer.from(frame)),
    op: (frames, i) => parseWithJson(frames[i & (FRAME_COUNT - 1)]!.toString()),
  }),
];
