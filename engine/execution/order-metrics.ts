/**
 * What the order gateway counts about order submissions: orders handed to it, those that ended
 * without an order at the broker or without knowing (rejected, not sent, unknown after retries),
 * and how long the broker took to answer each submit request. Plain numbers and a preallocated
 * buffer, bumped where the request is sent; a metrics publisher reads them off the hot path.
 */

/**
 * Answers kept between two reads. The broker's quota (200 requests a minute at Alpaca) bounds a
 * five-minute publish interval to about 1,000 submits; answers beyond the buffer are not kept, so
 * an engine that publishes nothing holds a fixed amount of memory.
 */
const LATENCY_CAPACITY = 4_096;

export class OrderMetrics {
  /** Orders handed to the gateway to send, since the start. */
  sent = 0;
  /** Of those, orders the broker rejected, that could not be sent, or whose outcome stayed unknown. */
  failed = 0;
  readonly #latencyMs = new Float64Array(LATENCY_CAPACITY);
  #latencyCount = 0;

  /** A submit request's time from being sent to the broker's answer. */
  recordLatencyUs(elapsedUs: number): void {
    if (this.#latencyCount < LATENCY_CAPACITY) this.#latencyMs[this.#latencyCount++] = elapsedUs / 1_000;
  }

  /**
   * The answer times (ms) recorded since the previous call, and forgets them. The view shares the
   * buffer: use it before the next submit is answered (the publisher does, in the same turn).
   */
  takeLatenciesMs(): Float64Array {
    const taken = this.#latencyMs.subarray(0, this.#latencyCount);
    this.#latencyCount = 0;
    return taken;
  }
}
