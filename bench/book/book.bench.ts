/**
 * book.update: one quote into its symbol's top of book (Map lookup included, as the service does).
 * book.update_l2: one L2 level change on a 100-level side, within the top 20 levels where nearly
 * all changes land: a third resize a level, a third remove one, a third insert one.
 * book.top: best bid, best ask and mid read from an L2 book.
 */
import { midPrice } from '../../engine/book/best-bid-offer.ts';
import { OrderBook } from '../../engine/book/order-book.ts';
import { TopOfBook } from '../../engine/book/top-of-book.ts';
import type { Quote } from '../../shared/domain/market-data.ts';
import { latencyBenchmark } from '../harness.ts';

const SYMBOLS = ['AAPL', 'AMD', 'MSFT', 'NVDA', 'SPY', 'TSLA', 'META', 'QQQ'];
const OPS = 4096;
const LEVELS = 100;
const TICK = 0.01;

function quotes(): Quote[] {
  return Array.from({ length: OPS }, (_, i) => ({
    symbol: SYMBOLS[i % SYMBOLS.length]!,
    bidPrice: 100 + (i % 97) * TICK,
    bidSize: 1 + (i % 9),
    askPrice: 100.01 + (i % 97) * TICK,
    askSize: 1 + (i % 7),
    timestampUs: 1_795_000_000_000_000 + i,
  }));
}

/** A deterministic pseudo-random sequence, so runs compare. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface L2State {
  readonly book: OrderBook;
  readonly prices: Float64Array;
  readonly sizes: Float64Array;
  readonly bid: Uint8Array;
}

/** Changes that keep each side near LEVELS deep: removes and inserts alternate at the same prices. */
function l2Setup(): L2State {
  const book = new OrderBook('BTC/USD');
  const bids = Array.from({ length: LEVELS }, (_, i) => ({ price: 50_000 - i * TICK * 2, size: 1 }));
  const asks = Array.from({ length: LEVELS }, (_, i) => ({ price: 50_001 + i * TICK * 2, size: 1 }));
  book.apply({ symbol: 'BTC/USD', reset: true, bids, asks, timestampUs: 0 });
  const random = lcg(7);
  const prices = new Float64Array(OPS);
  const sizes = new Float64Array(OPS);
  const bid = new Uint8Array(OPS);
  for (let i = 0; i < OPS; i += 2) {
    const isBid = random() < 0.5;
    const rank = Math.floor(random() * 20);
    const kind = Math.floor(random() * 3);
    // Resize an existing level; remove then restore it; or insert a level between two and remove it.
    const base = isBid ? 50_000 - rank * TICK * 2 : 50_001 + rank * TICK * 2;
    const price = kind === 2 ? base + (isBid ? -TICK : TICK) : base;
    prices[i] = price;
    prices[i + 1] = price;
    sizes[i] = kind === 0 ? 1 + random() : kind === 1 ? 0 : 0.5;
    sizes[i + 1] = kind === 2 ? 0 : 1;
    bid[i] = isBid ? 1 : 0;
    bid[i + 1] = isBid ? 1 : 0;
  }
  return { book, prices, sizes, bid };
}

export const benchmarks = [
  latencyBenchmark({
    name: 'book.update',
    iterations: 2_000_000,
    warmup: 200_000,
    batch: 64,
    setup: () => ({
      quotes: quotes(),
      tops: new Map(SYMBOLS.map((symbol) => [symbol, new TopOfBook(symbol)])),
    }),
    op: ({ quotes, tops }, i) => {
      const quote = quotes[i & (OPS - 1)]!;
      const top = tops.get(quote.symbol)!;
      top.applyQuote(quote);
      return top;
    },
  }),
  latencyBenchmark({
    name: 'book.update_l2',
    iterations: 2_000_000,
    warmup: 200_000,
    batch: 16,
    setup: l2Setup,
    op: ({ book, prices, sizes, bid }, i) => {
      const k = i & (OPS - 1);
      const ladder = bid[k] === 1 ? book.bids : book.asks;
      ladder.set(prices[k]!, sizes[k]!);
      return ladder;
    },
  }),
  latencyBenchmark({
    name: 'book.top',
    iterations: 2_000_000,
    warmup: 200_000,
    batch: 64,
    setup: l2Setup,
    op: ({ book }) => book.bidPrice + book.askPrice + midPrice(book),
  }),
];
