/**
 * Alpaca REST bodies as documented (e.g. https://docs.alpaca.markets/reference/postorder), for
 * client tests.
 */

export function wireOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '7b08df51-c1ac-453c-99f9-323a5f075f0d',
    client_order_id: 'ae1-client',
    created_at: '2023-12-12T22:31:24.668464435Z',
    updated_at: '2023-12-12T22:31:24.668464435Z',
    submitted_at: '2023-12-12T22:31:24.577215743Z',
    filled_at: null,
    expired_at: null,
    canceled_at: null,
    failed_at: null,
    replaced_at: null,
    replaced_by: null,
    replaces: null,
    asset_id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
    symbol: 'AAPL',
    asset_class: 'us_equity',
    notional: null,
    qty: '2',
    filled_qty: '0',
    filled_avg_price: null,
    order_class: '',
    order_type: 'limit',
    type: 'limit',
    side: 'buy',
    position_intent: 'buy_to_open',
    time_in_force: 'gtc',
    limit_price: '150',
    stop_price: null,
    status: 'accepted',
    extended_hours: false,
    legs: null,
    trail_percent: null,
    trail_price: null,
    hwm: null,
    subtag: null,
    source: null,
    ...overrides,
  };
}

export const WIRE_ACCOUNT = {
  id: '904837e3-3b76-47ec-b432-046db621571b',
  account_number: 'PA1234567',
  status: 'ACTIVE',
  crypto_status: 'ACTIVE',
  currency: 'USD',
  buying_power: '262113.632',
  regt_buying_power: '262113.632',
  daytrading_buying_power: '262113.632',
  cash: '100000',
  portfolio_value: '100000',
  equity: '100000',
  last_equity: '99000.5',
  long_market_value: '0',
  short_market_value: '0',
  multiplier: '4',
  non_marginable_buying_power: '100000',
  initial_margin: '0',
  maintenance_margin: '0',
  last_maintenance_margin: '0',
  sma: '0',
  shorting_enabled: true,
  trading_blocked: false,
  transfers_blocked: false,
  account_blocked: false,
  trade_suspended_by_user: false,
  created_at: '2023-01-01T00:00:00Z',
};

export const WIRE_POSITION = {
  asset_id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
  symbol: 'AAPL',
  exchange: 'NASDAQ',
  asset_class: 'us_equity',
  asset_marginable: false,
  qty: '-2',
  qty_available: '-2',
  avg_entry_price: '174.78',
  side: 'short',
  market_value: '-348.58',
  cost_basis: '-349.56',
  unrealized_pl: '0.98',
  unrealized_plpc: '0.0028',
  unrealized_intraday_pl: '0.98',
  unrealized_intraday_plpc: '0.0028',
  current_price: '174.29',
  lastday_price: '174.61',
  change_today: '-0.0018',
};

export const UUID_A = '11111111-1111-4111-8111-111111111111';
export const UUID_B = '22222222-2222-4222-8222-222222222222';
export const UUID_C = '33333333-3333-4333-8333-333333333333';
