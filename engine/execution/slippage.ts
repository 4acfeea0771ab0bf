/**
 * Slippage of each fill against the price the decision was made on (shared/domain/slippage-bps.ts),
 * kept per fill for the status API and exported as a Prometheus histogram.
 */
import { Histogram, type Registry } from 'prom-client';
import type { Fill } from '../../shared/domain/fill.ts';
import type { Fixed } from '../../shared/domain/fixed.ts';
import { measureSlippage, type SlippageMeasurement } from '../../shared/domain/slippage-bps.ts';

export type SlippageRecord = SlippageMeasurement;

const BUCKETS_BPS = [-50, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50, 100];

export class SlippageRecorder {
  /** A ring of the latest records: #next is where the next one goes (and, once full, the oldest). */
  readonly #records: SlippageRecord[] = [];
  #next = 0;
  readonly #capacity: number;
  readonly #histogram: Histogram<'symbol' | 'side'>;

  constructor(registry: Registry, capacity = 10_000) {
    this.#capacity = capacity;
    this.#histogram = new Histogram({
      name: 'execution_fill_slippage_bps',
      help: 'Fill price against the decision reference price, basis points, positive = worse',
      labelNames: ['symbol', 'side'],
      buckets: BUCKETS_BPS,
      registers: [registry],
    });
  }

  record(fill: Fill, referencePrice: Fixed): SlippageRecord {
    const record = measureSlippage(fill, referencePrice);
    if (this.#records.length < this.#capacity) this.#records.push(record);
    else this.#records[this.#next] = record;
    this.#next = (this.#next + 1) % this.#capacity;
    this.#histogram.observe({ symbol: fill.symbol, side: fill.side }, record.bps);
    return record;
  }

  /** The most recent records, oldest first (bounded by the capacity). */
  recent(): readonly SlippageRecord[] {
    if (this.#records.length < this.#capacity) return [...this.#records];
    return [...this.#records.slice(this.#next), ...this.#records.slice(0, this.#next)];
  }
}
