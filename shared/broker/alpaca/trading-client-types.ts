/**
 * What the trading client hands back: Alpaca's REST bodies mapped to exact domain values.
 * Wire strings stay at the boundary; callers see Fixed numbers and epoch times.
 */
import type { VenueOrder, VenuePosition } from '../../venue/venue-types.ts';

export type {
  BulkItemResult,
  CalendarDay,
  ListOrdersQuery,
  MarketClock,
  OrderRequest,
  ReplaceRequest,
} from '../../venue/venue-types.ts';

/** The port's order and position, as the Alpaca adapter's callers still name them. */
export type AlpacaOrder = VenueOrder;
export type AlpacaPosition = VenuePosition;
