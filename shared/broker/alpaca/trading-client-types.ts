/**
 * What the trading client hands back: Alpaca's REST bodies mapped to exact domain values.
 * Wire strings stay at the boundary; callers see Fixed numbers and epoch times.
 */
import type { VenueOrder, VenuePosition } from '../../venue/venue-types.ts';

export type {
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
} from '../../venue/venue-types.ts';

/** The port's order and position, as the Alpaca adapter's callers still name them. */
export type AlpacaOrder = VenueOrder;
export type AlpacaPosition = VenuePosition;

/** One entry of a bulk cancel or close-all answer: per-item HTTP status and body. */
export interface BulkItemResult {
  readonly key: string;
  readonly status: number;
  readonly order: AlpacaOrder | null;
}
