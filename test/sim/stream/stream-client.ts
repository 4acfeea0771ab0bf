/** Trade-updates stream clients for tests: each collects every frame and waits for messages. */
import WebSocket from 'ws';
import type { Simulator } from '../../../sim/simulator.ts';

export interface StreamFrame {
  readonly binary: boolean;
  readonly text: string;
}

export class StreamClient {
  readonly socket: WebSocket;
  readonly frames: StreamFrame[] = [];
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data, binary) => {
      this.frames.push({ binary, text: (data as Buffer).toString('utf8') });
      for (const wake of this.#waiters) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.#waiters) wake();
    });
  }

  static async connect(url: string): Promise<StreamClient> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new StreamClient(socket);
  }

  /** Parsed JSON messages (frames that are not JSON are skipped). */
  messages(): Record<string, unknown>[] {
    return this.frames.flatMap((frame) => {
      try {
        return [JSON.parse(frame.text) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** trade_updates data objects in arrival order. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON and validate it with schemas.
  updates(): any[] {
    return this.messages()
      .filter((message) => message.stream === 'trade_updates')
      .map((message) => message.data);
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves once `count` frames have arrived (or the socket closed). */
  async waitForFrames(count: number, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count && !this.closed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`expected ${count} frames, got ${this.frames.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#waiters = [];
    }
  }

  async waitForUpdates(count: number, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.updates().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} updates, got ${this.updates().length}`);
      await this.waitForFrames(this.frames.length + 1, Math.max(1, deadline - Date.now())).catch(
        () => undefined,
      );
      if (this.closed) break;
    }
  }

  async waitClosed(timeoutMs = 2000): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.terminate();
  }

  /** Connects, authenticates with the given form and listens to trade_updates. */
  static async listening(url: string, keyId: string, secretKey: string): Promise<StreamClient> {
    const client = await StreamClient.connect(url);
    client.send({ action: 'auth', key: keyId, secret: secretKey });
    await client.waitForFrames(1);
    client.send({ action: 'listen', data: { streams: ['trade_updates'] } });
    await client.waitForFrames(2);
    return client;
  }
}

/** The trade-updates clients of one test, closed together when it ends. */
export class StreamClients {
  readonly #clients: StreamClient[] = [];

  add(client: StreamClient): StreamClient {
    this.#clients.push(client);
    return client;
  }

  /** Connects with the simulator's key pair and listens to trade_updates. */
  async listening(sim: Simulator): Promise<StreamClient> {
    const { keyId, secretKey } = sim.context.credentials;
    return this.add(await StreamClient.listening(sim.tradeUpdatesUrl, keyId, secretKey));
  }

  closeAll(): void {
    for (const client of this.#clients.splice(0)) client.close();
  }
}
