/**
 * Records what a market emits as replay lines (the stream's JSON messages, one per line), so a
 * generated or live-captured session can be saved and replayed later.
 */
import { isCryptoSymbol } from '../../shared/domain/symbol.ts';
import type { SimMarket } from '../market/market.ts';
import { formatRfc3339 } from '../marketdata/market-data-timestamps.ts';
import {
  barMessage,
  cryptoQuoteJson,
  cryptoTradeJson,
  luldMessage,
  orderBookMessage,
  statusMessage,
  stockQuoteJson,
  stockTradeJson,
} from '../marketdata/wire-messages.ts';

export interface Recorder {
  /** Stops recording; returns nothing further. */
  stop(): void;
}

export function recordMarket(market: SimMarket, write: (line: string) => void): Recorder {
  const unsubscribes = [
    market.onQuote((quote) =>
      write(isCryptoSymbol(quote.symbol) ? cryptoQuoteJson(quote) : stockQuoteJson(quote)),
    ),
    market.onTrade((trade) =>
      write(isCryptoSymbol(trade.symbol) ? cryptoTradeJson(trade) : stockTradeJson(trade)),
    ),
    market.onBar((bar) => write(JSON.stringify(barMessage(bar, formatRfc3339(bar.startUs, 0))))),
    market.onStatus((status) =>
      write(JSON.stringify(statusMessage(status, formatRfc3339(status.timestampUs, status.nanos)))),
    ),
    market.onLuld((luld) =>
      write(JSON.stringify(luldMessage(luld, formatRfc3339(luld.timestampUs, luld.nanos)))),
    ),
    market.onOrderBook((book) =>
      write(JSON.stringify(orderBookMessage(book, formatRfc3339(book.timestampUs, book.nanos)))),
    ),
  ];
  return {
    stop: () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
