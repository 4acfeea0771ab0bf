/**
 * The feed connection's states and every allowed transition, in one table, so a reconnect storm or
 * a silent socket is a visible state rather than a tangle of flags (as discord.js does for its
 * shards). The feed client executes the side effects; this file only decides.
 */

export type FeedState =
  | 'idle'
  | 'connecting'
  | 'authenticating'
  | 'subscribing'
  | 'streaming'
  | 'backing_off'
  | 'stopped'
  | 'fatal';

export type FeedEvent =
  | 'start'
  /** The server's `connected` greeting arrived; the client sends its credentials. */
  | 'connected'
  | 'authenticated'
  /** The server echoed the subscription set. */
  | 'subscribed'
  /** Closed, errored, silent past the liveness limit, or a recoverable server error. */
  | 'connection_lost'
  /** Error 406: too many connections for the account; retry, but slowly. */
  | 'connection_limit'
  /** Bad keys, a plan without this feed, a subscription the plan cannot carry: retrying cannot help. */
  | 'fatal_error'
  | 'retry_due'
  | 'stop';

const LIVE: Partial<Record<FeedEvent, FeedState>> = {
  connection_lost: 'backing_off',
  connection_limit: 'backing_off',
  fatal_error: 'fatal',
  stop: 'stopped',
};

const TRANSITIONS: Record<FeedState, Partial<Record<FeedEvent, FeedState>>> = {
  idle: { start: 'connecting', stop: 'stopped' },
  connecting: { connected: 'authenticating', ...LIVE },
  authenticating: { authenticated: 'subscribing', ...LIVE },
  subscribing: { subscribed: 'streaming', ...LIVE },
  streaming: { subscribed: 'streaming', ...LIVE },
  backing_off: { retry_due: 'connecting', stop: 'stopped' },
  stopped: {},
  fatal: { stop: 'fatal' },
};

/** The next state, or undefined when the event means nothing in this state (a late callback). */
export function nextFeedState(state: FeedState, event: FeedEvent): FeedState | undefined {
  return TRANSITIONS[state][event];
}

/** States in which a socket exists and belongs to the current attempt. */
export function hasConnection(state: FeedState): boolean {
  return (
    state === 'connecting' || state === 'authenticating' || state === 'subscribing' || state === 'streaming'
  );
}
