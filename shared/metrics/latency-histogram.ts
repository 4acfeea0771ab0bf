/**
 * A latency histogram for the hot path: one preallocated array of counts, log-linear buckets in
 * whole nanoseconds (32 linear steps per power of two, so any value is within 1/32 ≈ 3 % of its
 * bucket's upper edge) from 0 to 2^32 ns (4.3 s; longer values count in the top bucket and in the
 * exact maximum). Recording is a clz32, a shift and an increment: no allocation, no branch on
 * anything but the value's size. hdr-histogram-js does the same job with more per call (bounds
 * checks, auto-resize, min/max and a float-to-long path): measured on this machine its
 * recordValue took ~17 ns against ~3 ns here, and it would be one more runtime dependency.
 */

/** Linear steps per power of two: 2^5 = 32. */
const SUB_BITS = 5;
const SUB_COUNT = 1 << SUB_BITS;
const MAX_NS = 0xffff_ffff;
/** Values below SUB_COUNT ns get a bucket each; then SUB_COUNT buckets per power of two up to 2^32. */
const BUCKETS = (32 - SUB_BITS + 1) * SUB_COUNT;

export interface LatencyPercentiles {
  /** Values recorded. */
  readonly count: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

function bucketOf(ns: number): number {
  if (ns < SUB_COUNT) return ns;
  const exponent = 31 - Math.clz32(ns);
  return (exponent - SUB_BITS + 1) * SUB_COUNT + ((ns >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1));
}

/** The largest value (ns) that falls in `bucket`: a percentile is reported at its bucket's upper edge. */
function upperEdgeNs(bucket: number): number {
  if (bucket < SUB_COUNT) return bucket;
  const exponent = Math.floor(bucket / SUB_COUNT) + SUB_BITS - 1;
  const mantissa = (bucket % SUB_COUNT) + SUB_COUNT;
  return (mantissa + 1) * 2 ** (exponent - SUB_BITS) - 1;
}

export class LatencyHistogram {
  /** Float64 rather than Uint32: a busy feed passes 2^32 frames in days, and doubles count exactly to 2^53. */
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #maxUs = 0;

  /** Records one duration in microseconds (fractions kept to the nanosecond). */
  record(us: number): void {
    if (us > this.#maxUs) this.#maxUs = us;
    this.#count++;
    const ns = us * 1000;
    // `>>> 0` truncates to an unsigned integer; negatives (a clock step) count as 0.
    this.#counts[bucketOf(ns >= MAX_NS ? MAX_NS : ns > 0 ? ns >>> 0 : 0)]!++;
  }

  get count(): number {
    return this.#count;
  }

  /** The value (µs) at or below which `percent` of the recorded values lie: its bucket's upper edge, at most the maximum. */
  percentileUs(percent: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percent / 100) * this.#count));
    const counts = this.#counts;
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += counts[bucket]!;
      // The top bucket also holds everything beyond the range: only the maximum bounds it.
      if (seen >= rank)
        return bucket === BUCKETS - 1 ? this.#maxUs : Math.min(upperEdgeNs(bucket) / 1000, this.#maxUs);
    }
    return this.#maxUs;
  }

  /** Percentiles since the start; null before anything was recorded. */
  percentiles(): LatencyPercentiles | null {
    if (this.#count === 0) return null;
    return {
      count: this.#count,
      p50Us: this.percentileUs(50),
      p90Us: this.percentileUs(90),
      p99Us: this.percentileUs(99),
      maxUs: this.#maxUs,
    };
  }
}
