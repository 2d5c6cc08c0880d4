import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A request from the bench to one of its processes, answered over IPC. */
export interface Request {
  type: string;
  [field: string]: unknown;
}

interface Envelope {
  id: number;
  request: Request;
}
interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

/** One of the bench's processes: a service instance, a bare server or the fake upstream. */
export interface BenchChild {
  readonly name: string;
  /** What the child said when it was ready (its URL, for a server). */
  readonly hello: Record<string, unknown>;
  /** Everything it wrote to stdout and stderr, line by line (EchoTune's warnings land here). */
  readonly output: string[];
  request<T = unknown>(request: Request): Promise<T>;
  /** Asks it to close (`close` request), then waits for the exit; kills it if that takes too long. */
  stop(): Promise<void>;
  alive(): boolean;
}

const childEntry = fileURLToPath(new URL('./child.ts', import.meta.url));
const startTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;

/** Starts `child.ts` in the given role; resolves once it has sent its first message (ready). */
export function startChild(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<BenchChild> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childEntry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) output.push(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exit.then(() => {
    exited = true;
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  void exit.then(() => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${name} exited:\n${output.join('\n')}`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${output.join('\n')}`));
    }, startTimeoutMs);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready:\n${output.join('\n')}`));
    });
    child.once('message', (hello) => {
      clearTimeout(timer);
      child.on('message', (message: Answer) => {
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.error !== undefined) waiter.reject(new Error(`${name}: ${message.error}`));
        else waiter.resolve(message.result);
      });
      resolve({
        name,
        hello: typeof hello === 'object' && hello !== null ? (hello as Record<string, unknown>) : {},
        output,
        alive: () => !exited,
        request<T>(request: Request): Promise<T> {
          if (exited) return Promise.reject(new Error(`${name} is not running`));
          const id = nextId++;
          return new Promise<T>((resolveAnswer, rejectAnswer) => {
            pending.set(id, { resolve: resolveAnswer as (value: unknown) => void, reject: rejectAnswer });
            child.send({ id, request } satisfies Envelope);
          });
        },
        async stop() {
          if (exited) return;
          const killer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
          if (child.connected) child.send({ id: -1, request: { type: 'close' } } satisfies Envelope);
          else child.kill('SIGTERM');
          await exit;
          clearTimeout(killer);
        },
      });
    });
  });
}

/**
 * The child's side: answers the bench's requests with `handlers`; a `close` request runs `close` and
 * exits. (child.ts exits by itself when the bench goes away.)
 */
export function serveRequests(
  handlers: Record<string, (request: Request) => unknown>,
  close: () => Promise<void>,
): void {
  process.on('message', async (message: Envelope) => {
    if (message.request.type === 'close') {
      await close().catch(() => undefined);
      process.exit(0);
    }
    const handler = handlers[message.request.type];
    try {
      if (!handler) throw new Error(`unknown request ${message.request.type}`);
      const result = await handler(message.request);
      process.send?.({ id: message.id, result } satisfies Answer);
    } catch (error) {
      process.send?.({ id: message.id, error: String(error) } satisfies Answer);
    }
  });
}

/** CPU used by this process so far, all threads (GC included), in ms. */
export function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}
