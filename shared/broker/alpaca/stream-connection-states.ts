/**
 * The states of a connection to one of Alpaca's WebSocket streams (market data, trade updates)
 * and every allowed transition, in one table, so a reconnect storm or a silent socket is a
 * visible state rather than a tangle of flags (as discord.js does for its shards). Both stream
 * clients run on it through stream-connection.ts; this file only decides.
 */
import { CONNECTION_STATES, type ConnectionState } from '../../venue/connection-state.ts';

/** The port's connection states (shared/venue/connection-state.ts), as this machine names them. */
export const STREAM_STATES = CONNECTION_STATES;
export type StreamState = ConnectionState;

export const STREAM_EVENTS = [
  'start',
  /** The peer waits for credentials: the market-data greeting, or the trade-updates socket opening. */
  'connected',
  'authenticated',
  /** The subscription echo (market data) or the `listening` reply (trade updates). */
  'subscribed',
  /** No data within the staleness threshold. */
  'data_silent',
  /** Data again on the same socket. */
  'data_resumed',
  /** Closed, silent past the liveness limit, handshake too slow, or a server error worth a retry. */
  'connection_lost',
  'retry_due',
  'fatal_error',
  'stop',
] as const;
export type StreamEvent = (typeof STREAM_EVENTS)[number];

type Transitions = Readonly<Partial<Record<StreamEvent, StreamState>>>;

/** What may happen to any state that owns a socket. */
const LIVE: Transitions = { connection_lost: 'reconnecting', fatal_error: 'fatal', stop: 'stopped' };

const TRANSITIONS: Readonly<Record<StreamState, Transitions>> = {
  idle: { start: 'connecting', stop: 'stopped' },
  connecting: { connected: 'authenticating', ...LIVE },
  authenticating: { authenticated: 'subscribing', ...LIVE },
  subscribing: { subscribed: 'ready', ...LIVE },
  ready: { subscribed: 'ready', data_silent: 'stale', ...LIVE },
  stale: { subscribed: 'stale', data_resumed: 'ready', ...LIVE },
  reconnecting: { retry_due: 'connecting', stop: 'stopped' },
  stopped: {},
  // Stopping a fatal connection keeps the reason visible.
  fatal: { stop: 'fatal' },
};

/** The next state, or undefined when the event means nothing in this state (a late callback). */
export function nextStreamState(state: StreamState, event: StreamEvent): StreamState | undefined {
  return TRANSITIONS[state][event];
}

/** States in which a socket exists and belongs to the current attempt. */
export function hasSocket(state: StreamState): boolean {
  return TRANSITIONS[state].connection_lost !== undefined;
}
