/**
 * The market-data stream endpoints the simulator serves and the channels each offers
 * (protocol §1.1, §1.4). Every stock feed carries the same simulated tape.
 */
export type AssetClassFeed = 'stocks' | 'crypto';

export const STOCK_CHANNELS = [
  'trades',
  'quotes',
  'bars',
  'updatedBars',
  'dailyBars',
  'statuses',
  'lulds',
  'imbalances',
] as const;
export const CRYPTO_CHANNELS = [
  'trades',
  'quotes',
  'orderbooks',
  'bars',
  'updatedBars',
  'dailyBars',
] as const;

export type Channel = (typeof STOCK_CHANNELS)[number] | (typeof CRYPTO_CHANNELS)[number];

export interface Feed {
  /** The name plans and admin requests use: iex, sip, test, crypto. */
  readonly name: string;
  readonly path: string;
  readonly assetClass: AssetClassFeed;
  readonly channels: readonly Channel[];
}

export const FEEDS: readonly Feed[] = [
  { name: 'iex', path: '/v2/iex', assetClass: 'stocks', channels: STOCK_CHANNELS },
  { name: 'sip', path: '/v2/sip', assetClass: 'stocks', channels: STOCK_CHANNELS },
  { name: 'delayed_sip', path: '/v2/delayed_sip', assetClass: 'stocks', channels: STOCK_CHANNELS },
  { name: 'test', path: '/v2/test', assetClass: 'stocks', channels: STOCK_CHANNELS },
  { name: 'crypto', path: '/v1beta3/crypto/us', assetClass: 'crypto', channels: CRYPTO_CHANNELS },
];

export function feedForPath(pathname: string): Feed | undefined {
  return FEEDS.find((feed) => feed.path === pathname);
}
