/**
 * What the shared connection promises, on both streams: the handshake, refused keys, zombie
 * detection, backoff, handshake deadline and stopping. Loopback peers, timers fired by hand.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../shared/time/clock.ts';
import { ManualTimers } from './manual-timers.ts';
import {
  type ClientUnderTest,
  FakeStreamPeer,
  KEY_ID,
  type PeerOptions,
  SECRET_KEY,
  STREAM_KINDS,
  streamClient,
} from './stream-peers.ts';
import { waitFor } from './wait-for.ts';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP port that accepts and then hangs up, or (`hold`) never answers the upgrade. */
async function tcpPort(hold: boolean): Promise<number> {
  const server: Server = createServer((socket) => {
    if (hold) cleanups.push(async () => socket.destroy());
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as { port: number }).port;
}

describe.each(STREAM_KINDS)('Class: StreamConnection, on the %s stream', (kind) => {
  const path = kind === 'market data' ? '/v2/iex' : '/stream';

  async function peer(options: PeerOptions = {}): Promise<FakeStreamPeer> {
    const started = await FakeStreamPeer.start(kind, options);
    cleanups.push(() => started.close());
    return started;
  }

  function client(url: string, settings: Parameters<typeof streamClient>[2] = {}): ClientUnderTest {
    const created = streamClient(kind, url, settings);
    cleanups.push(() => created.stop());
    return created;
  }

  it('becomes ready through connecting, authenticating and subscribing', async () => {
    const subject = client((await peer()).url);
    subject.start();
    await waitFor('ready', () => subject.state === 'ready');
    expect(subject.states.map((change) => change.state)).toStrictEqual([
      'connecting',
      'authenticating',
      'subscribing',
      'ready',
    ]);
  });

  it('stops for good when the keys are refused: one attempt, no timer left, a message that says what to fix', async () => {
    const refusing = await peer({ refuseKeys: true });
    const timers = new ManualTimers();
    const subject = client(refusing.url, { timers });
    subject.start();
    await waitFor('fatal', () => subject.state === 'fatal');

    expect(subject.states.map((change) => change.state)).toStrictEqual([
      'connecting',
      'authenticating',
      'fatal',
    ]);
    expect(timers.pending.size).toBe(0);
    expect(refusing.sockets).toHaveLength(1);
    const error = subject.fatalError!;
    expect(error).toMatchObject({ name: 'StreamFatalError', stream: kind });
    expect(error.message).toMatch(/^the broker refused the API keys \(/);
    expect(error.message).toContain('APCA_API_KEY_ID');
    expect(error.message).toContain('Secrets Manager');
    expect(error.message).not.toContain(KEY_ID);
    expect(error.message).not.toContain(SECRET_KEY);
    await subject.stop();
    expect(subject.state).toBe('fatal');
  });

  it('replaces a zombie: a socket from which nothing, not even a pong, is heard for the silence limit', async () => {
    const mute = await peer({ autoPong: false });
    const clock = new ManualClock(0);
    const timers = new ManualTimers();
    const subject = client(mute.url, { clock, timers, silenceTimeoutMs: 1_000, pingIntervalMs: 250 });
    subject.start();
    await waitFor('ready', () => subject.state === 'ready');
    let pings = 0;
    mute.sockets[0]!.on('ping', () => pings++);

    for (let tick = 1; tick <= 3; tick++) {
      clock.advanceMs(250);
      timers.fire((ms) => ms === 250);
      expect(subject.state).toBe('ready');
    }
    await waitFor('three pings', () => pings === 3);
    clock.advanceMs(250);
    timers.fire((ms) => ms === 250);

    expect(subject.state).toBe('reconnecting');
    expect(subject.states.at(-1)!.reason).toBe('silent for 1000 ms (limit 1000 ms)');
  });

  it('retries failed attempts one at a time, with exponential backoff, half of it jitter', async () => {
    const port = await tcpPort(false);
    const timers = new ManualTimers();
    const subject = client(`ws://127.0.0.1:${port}${path}`, {
      timers,
      random: () => 0.5,
      backoff: { baseDelayMs: 100, maxDelayMs: 1_000 },
    });
    subject.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      await waitFor('the attempt to fail', () => subject.state === 'reconnecting');
      // Nothing else runs while it waits: the retry is the only timer.
      expect(timers.pending.size).toBe(1);
      delays.push(timers.fire(() => true));
    }
    // Caps 100, 200, 400, 800, 1000, 1000: half fixed plus half of the half at random 0.5.
    expect(delays).toStrictEqual([75, 150, 300, 600, 750, 750]);
    expect(subject.states.slice(0, 4).map((change) => change.state)).toStrictEqual([
      'connecting',
      'reconnecting',
      'connecting',
      'reconnecting',
    ]);
  });

  it('gives up on a handshake that does not finish in time and tries again', async () => {
    const port = await tcpPort(true);
    const timers = new ManualTimers();
    const subject = client(`ws://127.0.0.1:${port}${path}`, { timers, handshakeTimeoutMs: 3_000 });
    subject.start();
    expect(subject.state).toBe('connecting');
    timers.fire((ms) => ms === 3_000);
    expect(subject.state).toBe('reconnecting');
    expect(subject.states.at(-1)!.reason).toBe('not ready within 3000 ms of connecting');
  });

  it.each([
    ['reconnecting', false],
    ['connecting', true],
  ] as const)('stops from %s and stays stopped, with no timer left', async (from, hold) => {
    // A port that hangs up at once, or (hold) never answers the upgrade.
    const port = await tcpPort(hold);
    const timers = new ManualTimers();
    const subject = client(`ws://127.0.0.1:${port}${path}`, { timers });
    subject.start();
    await waitFor(from, () => subject.state === from);
    await subject.stop();
    expect(subject.state).toBe('stopped');
    expect(timers.pending.size).toBe(0);
    subject.start();
    expect(subject.state).toBe('stopped');
  });
});
