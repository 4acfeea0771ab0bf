/**
 * The client side of sim.ws_out, run in a worker thread so that parsing does not steal the
 * server's core: connects, authenticates, subscribes to every quote and trade, JSON-parses
 * each frame and records how long each frame took from the stamp of its last quote to here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

interface ClientData {
  readonly url: string;
  readonly keyId: string;
  readonly secretKey: string;
  readonly warmupMs: number;
  readonly durationMs: number;
}

const { url, keyId, secretKey, warmupMs, durationMs } = workerData as ClientData;
const socket = new WebSocket(url, { perMessageDeflate: false });
const latenciesNs: number[] = [];
let messages = 0;
let measuring = false;
let startedAt = 0;

function nowUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** Epoch µs of an RFC 3339 stamp with up to nine fractional digits. */
function stampUs(text: string): number {
  const dot = text.indexOf('.', 19);
  const seconds = Date.parse(`${text.slice(0, 19)}Z`) * 1000;
  if (dot < 0) return seconds;
  return (
    seconds +
    Number(
      text
        .slice(dot + 1, -1)
        .padEnd(9, '0')
        .slice(0, 6),
    )
  );
}

socket.on('open', () => socket.send(JSON.stringify({ action: 'auth', key: keyId, secret: secretKey })));
socket.on('message', (data) => {
  const frame = JSON.parse(data.toString()) as { T: string; msg?: string; t?: string }[];
  const first = frame[0]!;
  if (first.T === 'success' && first.msg === 'authenticated') {
    socket.send(JSON.stringify({ action: 'subscribe', quotes: ['*'], trades: ['*'] }));
    setTimeout(() => {
      measuring = true;
      startedAt = performance.now();
      setTimeout(finish, durationMs);
    }, warmupMs);
    return;
  }
  if (!measuring || first.T === 'subscription') return;
  messages += frame.length;
  // The frame's last quote: a late-reported trade carries a stamp a minute old.
  let last = frame.length - 1;
  while (last > 0 && frame[last]!.T !== 'q') last--;
  latenciesNs.push((nowUs() - stampUs(frame[last]!.t!)) * 1000);
});

function finish(): void {
  measuring = false;
  const seconds = (performance.now() - startedAt) / 1000;
  socket.terminate();
  parentPort!.postMessage({ messages, seconds, latenciesNs: Float64Array.from(latenciesNs) });
}
