/**
 * One client process of the idle-connection bench (a process holds fewer sockets than the file-descriptor
 * limit allows), driven over IPC:
 * - `{ kind: 'prepare', url, count, jwtSecret? }`: readies `count` listeners; with the server's JWT
 *   secret each gets a guest token of its own, signed here as POST /api/v1/auth/guest would sign it, so
 *   that the server does no work but the connections' (its allocations would hide in their readings);
 *   answers `{ prepared }`.
 * - `{ kind: 'open', count }`: opens the next `count` Socket.io connections to `/chat` over WebSocket and
 *   keeps them open without a word; answers `{ connected, failed, failures }` once each connected or failed.
 * - `{ kind: 'close' }`: disconnects them all and exits.
 */

import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { TokenService } from '../../src/gateway/token-service.js';
import { CHAT_NAMESPACE } from '../../src/protocol/index.js';

const requestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('prepare'),
    url: z.url(),
    count: z.number().int().min(1),
    jwtSecret: z.string().min(32).optional(),
  }),
  z.object({ kind: z.literal('open'), count: z.number().int().min(1) }),
  z.object({ kind: z.literal('close') }),
]);

export interface Opened {
  connected: number;
  failed: number;
  /** Why connections failed, by message. */
  failures: Record<string, number>;
}

/** Requests or connections started at once; the rest wait their turn, as clients arriving over seconds. */
const CONCURRENCY = 50;

let url = '';
/** One entry per listener prepared: its token, or undefined for the bare server's anonymous clients. */
const listeners: (string | undefined)[] = [];
const sockets: Socket[] = [];

/** Runs `work` for 0..count−1, CONCURRENCY at a time. */
async function eachAtMost(count: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function connect(token: string | undefined, failures: Map<string, number>): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = io(`${url}${CHAT_NAMESPACE}`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    sockets.push(socket);
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', (error) => {
      failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
      resolve(false);
    });
  });
}

async function prepare(count: number, jwtSecret: string | undefined): Promise<{ prepared: number }> {
  const tokens = jwtSecret === undefined ? undefined : new TokenService(jwtSecret, 24);
  for (let index = 0; index < count; index++) {
    const issued = await tokens?.issue({ userId: randomUUID(), kind: 'guest' });
    listeners.push(issued?.token);
  }
  return { prepared: listeners.length };
}

async function open(count: number): Promise<Opened> {
  const start = sockets.length;
  const failures = new Map<string, number>();
  let connected = 0;
  await eachAtMost(Math.min(count, listeners.length - start), async (index) => {
    if (await connect(listeners[start + index], failures)) connected++;
  });
  return { connected, failed: count - connected, failures: Object.fromEntries(failures) };
}

process.on('message', (message: unknown) => {
  const request = requestSchema.parse(message);
  if (request.kind === 'close') {
    for (const socket of sockets) socket.disconnect();
    process.exit(0);
  }
  if (request.kind === 'prepare') {
    url = request.url;
    void prepare(request.count, request.jwtSecret).then((result) => process.send?.(result));
    return;
  }
  void open(request.count).then((result) => process.send?.(result));
});
