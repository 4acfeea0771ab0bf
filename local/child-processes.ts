/**
 * The local stack's child processes (simulator, local AWS stand-ins, engine), as `npm start` and
 * the soak test run them: each in its own process group, every line it prints handed to the
 * caller, and stopped in the reverse order of starting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const STOP_TIMEOUT_MS = 15_000;

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** Called with every line the child prints, before the group's own output callback. */
  readonly lineListeners: Set<(line: string) => void>;
}

export class ChildProcesses {
  readonly #children: Child[] = [];
  /** What to do with each line a child prints on stdout (echo it, log it to a file). */
  readonly #output: (name: string) => (line: string) => void;

  constructor(output: (name: string) => (line: string) => void) {
    this.#output = output;
  }

  get children(): readonly Child[] {
    return this.#children;
  }

  /** Runs `node ...args` (this process's Node) with stderr shared and stdout read line by line. */
  start(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): Child {
    // Each child leads its own process group so the terminal's Ctrl-C reaches only the launcher,
    // which then stops the children in order.
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
      env,
    });
    const lineListeners = new Set<(line: string) => void>();
    const write = this.#output(name);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      for (const listener of lineListeners) listener(line);
      write(line);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const entry = { name, process: child, exited, lineListeners };
    this.#children.push(entry);
    return entry;
  }

  /** The first child to exit, with its exit code. */
  firstExit(): Promise<{ readonly child: Child; readonly code: number | null }> {
    return Promise.race(this.#children.map((child) => child.exited.then((code) => ({ child, code }))));
  }

  /** SIGTERM to each child, last started first, SIGKILL to its group after 15 s. */
  async stopAll(): Promise<void> {
    for (const child of [...this.#children].reverse()) await stop(child);
  }

  /** Last resort on the way out (an exception, a second Ctrl-C): SIGKILL to every group still running. */
  killAll(): void {
    for (const child of this.#children) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
      killGroup(child.process, 'SIGKILL');
    }
  }
}

async function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(child.process, 'SIGKILL'), STOP_TIMEOUT_MS);
  await child.exited;
  clearTimeout(timer);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves with the first line the child prints that matches; rejects on timeout or exit. */
export function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const listener = (line: string): void => {
      const match = pattern.exec(line);
      if (match === null) return;
      clearTimeout(timer);
      child.lineListeners.delete(listener);
      resolve(match);
    };
    const timer = setTimeout(() => {
      child.lineListeners.delete(listener);
      reject(new Error(`${child.name} did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    child.lineListeners.add(listener);
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with code ${code} while starting`));
    });
  });
}
