import { createServer, type ServerResponse } from 'node:http';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the bench's processes. */
export const now = () => performance.timeOrigin + performance.now();

/** Starts the first words of every reply; the upstream's two instants follow it. */
export const MARK = 'upstream-at=';
/** Chunks per reply (BENCH_CHUNKS); each reply streams for about two seconds whatever the count. */
export const STREAM_CHUNKS = Number(process.env.BENCH_CHUNKS ?? 40);
export const TURN_MS = 2000;
const CHUNK_INTERVAL_MS = TURN_MS / STREAM_CHUNKS;

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  const body = { id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini' };
  return `data: ${JSON.stringify({ ...body, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

/** The rest of a reply at a model's pace: a few words every CHUNK_INTERVAL_MS, then usage and [DONE]. */
function streamRest(response: ServerResponse): void {
  let sent = 1;
  const timer = setInterval(() => {
    if (sent < STREAM_CHUNKS) {
      response.write(chunk({ content: 'Enjoy the run. ' }));
      sent += 1;
      return;
    }
    clearInterval(timer);
    response.write(chunk({}, 'stop'));
    const usage = {
      prompt_tokens: 40,
      completion_tokens: STREAM_CHUNKS * 4,
      total_tokens: 40 + STREAM_CHUNKS * 4,
    };
    response.write(
      `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
    );
    response.end('data: [DONE]\n\n');
  }, CHUNK_INTERVAL_MS);
  response.once('close', () => clearInterval(timer));
}

/**
 * A local model server speaking OpenAI's Chat Completions SSE, reporting its own time to first byte:
 * the instant a request arrived and the instant its first words left travel in those words. A GET is
 * answered at once (the machine-floor probe). Over IPC it tells how many connections it has accepted.
 */
export function runUpstream(port: number): void {
  const server = createServer((request, response) => {
    const arrived = now();
    if (request.method === 'GET') {
      response.writeHead(204).end();
      return;
    }
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const content = `${MARK}${arrived.toFixed(4)},${now().toFixed(4)} `;
      response.write(chunk({ role: 'assistant', content }));
      streamRest(response);
    });
  });
  // Longer than any level runs, so pools warmed at the start stay warm (a slow level-1 phase takes minutes).
  server.keepAliveTimeout = 600_000;
  // New connections say whether callers keep theirs alive (each costs a handshake before the request).
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  process.on('message', (message) => {
    if (message === 'connections') process.send?.(connections);
  });
  server.listen(port, '127.0.0.1', () => process.send?.('ready'));
}
