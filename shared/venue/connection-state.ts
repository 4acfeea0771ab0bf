/**
 * The state of a venue's streaming connection (its order events, or its market data), as the
 * engine acts on it: new entries wait for the order-event stream to be `ready`, and a feed that is
 * not `ready` makes its symbols stale. Each adapter's connection machine moves between these.
 */
export const CONNECTION_STATES = [
  'idle',
  'connecting',
  'authenticating',
  'subscribing',
  /** Authenticated and subscribed (market data) or listening (order events). */
  'ready',
  /** Ready, but no data within the staleness threshold (market data only): the socket is kept. */
  'stale',
  /** Lost; a new attempt is due after a jittered backoff. */
  'reconnecting',
  'stopped',
  /** Retrying cannot help (keys refused, a plan without the feed); the reason is the fault. */
  'fatal',
] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];
