/**
 * Recent trades and quotes of one symbol, for the historical REST endpoints. A fixed-capacity
 * ring of typed-array columns: constant memory at any message rate, nothing for the garbage
 * collector to trace. Each item gets a sequence number in arrival order; REST paging resumes
 * after a sequence number, so pages never overlap or skip even while new items arrive.
 *
 * Items arrive in time order except late-reported trades, which carry a timestamp up to a
 * minute old; range searches therefore start a little early and filter.
 */
import type { TakerSide } from '../../shared/domain/market-data.ts';
import { Interner } from './interner.ts';
import type { SimQuote, SimTrade } from './market-events.ts';

/** How far before its neighbours a late-reported trade's timestamp can be. */
const LATE_MARGIN_US = 61_000_000;
const TAKER_SIDES: readonly TakerSide[] = ['buy', 'sell', 'unknown'];

export interface TickQuery {
  readonly startUs: number;
  readonly endUs: number;
  readonly sort: 'asc' | 'desc';
  /** Resume strictly after this sequence number (in the direction of `sort`). */
  readonly afterSeq?: number;
  readonly limit: number;
}

export interface TickPage<T> {
  readonly items: { readonly seq: number; readonly item: T }[];
  /** True when more matching items exist beyond this page. */
  readonly more: boolean;
}

const INITIAL_COLUMN_LENGTH = 1_024;

function grown<A extends Float64Array | Uint16Array | Uint8Array>(column: A, length: number): A {
  const next = new (column.constructor as new (length: number) => A)(length);
  next.set(column);
  return next;
}

const strings = new Interner<string>((value) => value);
const conditionLists = new Interner<readonly string[]>((value) => value.join('\u0000'));

abstract class TickRing<T> {
  /** Items kept at most; the columns start small and double up to this, so idle symbols cost little. */
  readonly capacity: number;
  protected timestampUs: Float64Array;
  #count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.timestampUs = new Float64Array(Math.min(capacity, INITIAL_COLUMN_LENGTH));
  }

  /** Sequence number of the next item; also the number of items ever added. */
  get count(): number {
    return this.#count;
  }

  get oldestSeq(): number {
    return Math.max(0, this.#count - this.capacity);
  }

  protected claimSlot(timestampUs: number): number {
    if (this.#count === this.timestampUs.length && this.#count < this.capacity) {
      const length = Math.min(this.capacity, this.timestampUs.length * 2);
      this.timestampUs = grown(this.timestampUs, length);
      this.growColumns(length);
    }
    const slot = this.#count % this.capacity;
    this.timestampUs[slot] = timestampUs;
    this.#count++;
    return slot;
  }

  /** Reallocates every column of the subclass to `length` (before the ring first wraps). */
  protected abstract growColumns(length: number): void;

  protected abstract itemAt(slot: number): T;

  at(seq: number): T | undefined {
    if (seq < this.oldestSeq || seq >= this.#count) return undefined;
    return this.itemAt(seq % this.capacity);
  }

  /** First sequence number whose timestamp is ≥ `us`, assuming time order (binary search). */
  #lowerBound(us: number): number {
    let low = this.oldestSeq;
    let high = this.#count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.timestampUs[middle % this.capacity]! < us) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  query(query: TickQuery): TickPage<T> {
    const items: { seq: number; item: T }[] = [];
    const inRange = (seq: number): boolean => {
      const t = this.timestampUs[seq % this.capacity]!;
      return t >= query.startUs && t <= query.endUs;
    };
    const first = this.oldestSeq;
    const last = this.#count - 1;
    if (query.sort === 'asc') {
      let seq = Math.max(this.#lowerBound(query.startUs - LATE_MARGIN_US), (query.afterSeq ?? -1) + 1);
      const stop = Math.min(last, this.#lowerBound(query.endUs + LATE_MARGIN_US));
      for (; seq <= stop; seq++) {
        if (!inRange(seq)) continue;
        if (items.length === query.limit) return { items, more: true };
        items.push({ seq, item: this.itemAt(seq % this.capacity) });
      }
    } else {
      let seq = Math.min(this.#lowerBound(query.endUs + LATE_MARGIN_US), last);
      if (query.afterSeq !== undefined) seq = Math.min(seq, query.afterSeq - 1);
      const stop = Math.max(first, this.#lowerBound(query.startUs - LATE_MARGIN_US));
      for (; seq >= stop; seq--) {
        if (!inRange(seq)) continue;
        if (items.length === query.limit) return { items, more: true };
        items.push({ seq, item: this.itemAt(seq % this.capacity) });
      }
    }
    return { items, more: false };
  }
}

export class TradeHistory extends TickRing<SimTrade> {
  readonly #symbol: string;
  #nanos: Uint16Array;
  #price: Float64Array;
  #size: Float64Array;
  #id: Float64Array;
  #takerSide: Uint8Array;
  #exchange: Uint16Array;
  #conditions: Uint16Array;
  #tape: Uint16Array;

  constructor(symbol: string, capacity: number) {
    super(capacity);
    this.#symbol = symbol;
    this.#nanos = new Uint16Array(this.timestampUs.length);
    this.#price = new Float64Array(this.timestampUs.length);
    this.#size = new Float64Array(this.timestampUs.length);
    this.#id = new Float64Array(this.timestampUs.length);
    this.#takerSide = new Uint8Array(this.timestampUs.length);
    this.#exchange = new Uint16Array(this.timestampUs.length);
    this.#conditions = new Uint16Array(this.timestampUs.length);
    this.#tape = new Uint16Array(this.timestampUs.length);
  }

  protected growColumns(length: number): void {
    this.#nanos = grown(this.#nanos, length);
    this.#price = grown(this.#price, length);
    this.#size = grown(this.#size, length);
    this.#id = grown(this.#id, length);
    this.#takerSide = grown(this.#takerSide, length);
    this.#exchange = grown(this.#exchange, length);
    this.#conditions = grown(this.#conditions, length);
    this.#tape = grown(this.#tape, length);
  }

  add(trade: SimTrade): void {
    const slot = this.claimSlot(trade.timestampUs);
    this.#nanos[slot] = trade.nanos;
    this.#price[slot] = trade.price;
    this.#size[slot] = trade.size;
    this.#id[slot] = trade.id;
    this.#takerSide[slot] = TAKER_SIDES.indexOf(trade.takerSide);
    this.#exchange[slot] = strings.indexOf(trade.exchange);
    this.#conditions[slot] = conditionLists.indexOf(trade.conditions);
    this.#tape[slot] = strings.indexOf(trade.tape);
  }

  protected itemAt(slot: number): SimTrade {
    return {
      symbol: this.#symbol,
      id: this.#id[slot]!,
      price: this.#price[slot]!,
      size: this.#size[slot]!,
      timestampUs: this.timestampUs[slot]!,
      nanos: this.#nanos[slot]!,
      takerSide: TAKER_SIDES[this.#takerSide[slot]!]!,
      exchange: strings.valueAt(this.#exchange[slot]!),
      conditions: conditionLists.valueAt(this.#conditions[slot]!),
      tape: strings.valueAt(this.#tape[slot]!),
    };
  }
}

export class QuoteHistory extends TickRing<SimQuote> {
  readonly #symbol: string;
  #nanos: Uint16Array;
  #bidPrice: Float64Array;
  #bidSize: Float64Array;
  #askPrice: Float64Array;
  #askSize: Float64Array;
  #bidExchange: Uint16Array;
  #askExchange: Uint16Array;
  #conditions: Uint16Array;
  #tape: Uint16Array;

  constructor(symbol: string, capacity: number) {
    super(capacity);
    this.#symbol = symbol;
    this.#nanos = new Uint16Array(this.timestampUs.length);
    this.#bidPrice = new Float64Array(this.timestampUs.length);
    this.#bidSize = new Float64Array(this.timestampUs.length);
    this.#askPrice = new Float64Array(this.timestampUs.length);
    this.#askSize = new Float64Array(this.timestampUs.length);
    this.#bidExchange = new Uint16Array(this.timestampUs.length);
    this.#askExchange = new Uint16Array(this.timestampUs.length);
    this.#conditions = new Uint16Array(this.timestampUs.length);
    this.#tape = new Uint16Array(this.timestampUs.length);
  }

  protected growColumns(length: number): void {
    this.#nanos = grown(this.#nanos, length);
    this.#bidPrice = grown(this.#bidPrice, length);
    this.#bidSize = grown(this.#bidSize, length);
    this.#askPrice = grown(this.#askPrice, length);
    this.#askSize = grown(this.#askSize, length);
    this.#bidExchange = grown(this.#bidExchange, length);
    this.#askExchange = grown(this.#askExchange, length);
    this.#conditions = grown(this.#conditions, length);
    this.#tape = grown(this.#tape, length);
  }

  add(quote: SimQuote): void {
    const slot = this.claimSlot(quote.timestampUs);
    this.#nanos[slot] = quote.nanos;
    this.#bidPrice[slot] = quote.bidPrice;
    this.#bidSize[slot] = quote.bidSize;
    this.#askPrice[slot] = quote.askPrice;
    this.#askSize[slot] = quote.askSize;
    this.#bidExchange[slot] = strings.indexOf(quote.bidExchange);
    this.#askExchange[slot] = strings.indexOf(quote.askExchange);
    this.#conditions[slot] = conditionLists.indexOf(quote.conditions);
    this.#tape[slot] = strings.indexOf(quote.tape);
  }

  protected itemAt(slot: number): SimQuote {
    return {
      symbol: this.#symbol,
      bidPrice: this.#bidPrice[slot]!,
      bidSize: this.#bidSize[slot]!,
      askPrice: this.#askPrice[slot]!,
      askSize: this.#askSize[slot]!,
      timestampUs: this.timestampUs[slot]!,
      nanos: this.#nanos[slot]!,
      bidExchange: strings.valueAt(this.#bidExchange[slot]!),
      askExchange: strings.valueAt(this.#askExchange[slot]!),
      conditions: conditionLists.valueAt(this.#conditions[slot]!),
      tape: strings.valueAt(this.#tape[slot]!),
    };
  }
}
