import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { createLogger } from '../../src/logger.js';
import { CHAT_NAMESPACE, type ServerPayloads } from '../../src/protocol/index.js';
import { type AdapterKind, createSharedState } from '../../src/shared-state/index.js';
import { STREAM_CHUNKS, TURN_MS } from '../turn-overhead/upstream.js';
import { cpuMs, type Request, serveRequests } from './ipc.js';

/** Between two deltas of one reply, as the fake upstream sends its chunks. */
export const DELTA_INTERVAL_MS = TURN_MS / STREAM_CHUNKS;
/** As long as EchoTune's first delta (the upstream's timing mark); every later one is this text. */
const FIRST_TEXT = `upstream-at=${'0'.repeat(13)}.0000,${'0'.repeat(13)}.0000 `;
const TEXT = 'Enjoy the run. ';

/** Bare clients' one event: join these rooms (acknowledged once joined). */
export const BARE_JOIN = 'join';

/**
 * The baseline: a plain Socket.io server on the `/chat` namespace with the adapter EchoTune's shared state
 * builds (the very same factory: createSharedState with the same REDIS_URL and REDIS_ADAPTER, only another
 * key prefix), the same server options, and nothing else: no authentication, store, chat, pacing or
 * rate limits. On request it emits `turn:delta` frames of EchoTune's shape and size to rooms, one every
 * DELTA_INTERVAL_MS per room (the fake upstream's pace), STREAM_CHUNKS per "turn", turns back to back.
 */
export async function runBareServer(options: { redisUrl: string; adapter: AdapterKind }): Promise<void> {
  const logger = createLogger('warn');
  const shared = await createSharedState({
    redisUrl: options.redisUrl,
    adapter: options.adapter,
    logger,
    keyPrefix: 'bare:',
  });
  const http = createServer();
  // EchoTune's options (src/gateway/create-gateway.ts).
  const io = new Server(http, { cors: { origin: '*' }, maxHttpBufferSize: 64 * 1024, serveClient: false });
  if (shared.socketAdapter) io.adapter(shared.socketAdapter);
  const chat = io.of(CHAT_NAMESPACE);
  chat.on('connection', (socket) => {
    socket.on(BARE_JOIN, async (rooms: string[], ack: () => void) => {
      await socket.join(rooms);
      ack();
    });
  });

  const streams = new Set<{ stop: () => void }>();
  const stream = (request: Request): Promise<void> => {
    const rooms = request.rooms as string[];
    const turns = Number(request.turns ?? 0);
    const staggerMs = Number(request.staggerMs ?? 0);
    return new Promise((resolve) => {
      let running = rooms.length;
      const timers: NodeJS.Timeout[] = [];
      const handle = {
        stop: () => {
          for (const timer of timers) {
            clearTimeout(timer);
            clearInterval(timer);
          }
          streams.delete(handle);
          resolve();
        },
      };
      streams.add(handle);
      for (const room of rooms) {
        const sessionId = room.slice('session:'.length);
        let turnId = randomUUID();
        let index = 0;
        let turnsDone = 0;
        const emit = () => {
          const payload: ServerPayloads['turn:delta'] = {
            turnId,
            sessionId,
            index,
            text: index === 0 ? FIRST_TEXT : TEXT,
          };
          chat.to(room).emit('turn:delta', payload);
          index += 1;
          if (index < STREAM_CHUNKS) return;
          turnsDone += 1;
          turnId = randomUUID();
          index = 0;
          if (turns > 0 && turnsDone >= turns) {
            finished = true;
            if (interval) clearInterval(interval);
            running -= 1;
            if (running === 0) handle.stop();
          }
        };
        let finished = false;
        let interval: NodeJS.Timeout | undefined;
        const start = () => {
          emit();
          if (finished) return;
          interval = setInterval(emit, DELTA_INTERVAL_MS);
          timers.push(interval);
        };
        timers.push(setTimeout(start, Math.random() * staggerMs));
      }
      if (rooms.length === 0) handle.stop();
    });
  };

  serveRequests(
    {
      cpu: cpuMs,
      stream,
      stop: () => {
        for (const handle of [...streams]) handle.stop();
      },
    },
    async () => {
      io.close();
      await shared.close();
    },
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ url: `http://127.0.0.1:${port}` });
}
