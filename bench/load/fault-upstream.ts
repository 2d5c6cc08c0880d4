import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  openAIErrorBody,
  openAIEvents,
  openAIMalformedEvent,
} from '../../test/providers/fake-servers/openai-wire.js';
import { MARK, now } from '../turn-overhead/upstream.js';

import { drawFault, emptyFaultCounts, type FaultCounts, type FaultKind } from './faults.js';

/** Each reply streams its pieces over about this long. */
export const REPLY_MS = 1_000;
const REPLY_WORDS = 'Here are some calm tracks for the evening, starting soft and ending warm. '.repeat(2);
/** Stalls and malformed chunks come after this many events (the role chunk and two text pieces). */
const EVENTS_BEFORE_FAULT = 3;
/** 429s ask for a short pause, so one does not close the deployment to every turn for a second. */
const RETRY_AFTER_MS = 200;

/** The turn a request is for: the harness puts its clientMsgId in the message (turnText). */
function turnKeyOf(body: string): string {
  const matches = [...body.matchAll(/load turn (\S+) please/g)];
  return matches.at(-1)?.[1] ?? 'unknown';
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}

function refuse(response: ServerResponse, status: 429 | 500): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    ...(status === 429 ? { 'retry-after-ms': String(RETRY_AFTER_MS) } : {}),
  });
  response.end(JSON.stringify(openAIErrorBody(status)));
}

/**
 * Streams OpenAI chat.completion chunks at a model's pace. The first words carry the upstream's own
 * instants (request arrived, first byte out) and which attempt at this turn it is, so the client can
 * subtract the upstream's time to first byte and keep only first attempts.
 */
async function stream(
  response: ServerResponse,
  timing: { arrived: number; attempt: number },
  fault: FaultKind | null,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const mark = `${MARK}${timing.arrived.toFixed(4)},${now().toFixed(4)} attempt=${timing.attempt} `;
  const events = openAIEvents({ text: `${mark}${REPLY_WORDS}` }, 'gpt-4o-mini');
  const interval = REPLY_MS / events.length;
  for (const [position, event] of events.entries()) {
    if (response.destroyed) return;
    if (position === EVENTS_BEFORE_FAULT && fault === 'stall') {
      // Silent with the connection open, until the router's idle timeout gives up on it.
      await new Promise((resolve) => response.once('close', resolve));
      return;
    }
    if (position === EVENTS_BEFORE_FAULT && fault === 'malformed') response.write(openAIMalformedEvent);
    response.write(event);
    // The role chunk and the first words leave together: that instant is the upstream's first byte.
    if (position > 0) await new Promise((resolve) => setTimeout(resolve, interval));
  }
  response.end();
}

/**
 * A local model server speaking OpenAI's Chat Completions SSE that mixes faults into a `faultShare` of
 * its answers: 429 (with retry-after-ms), 500, a reset connection, a stream that stalls past the router's
 * idle timeout, and a chunk that is not JSON. Over IPC it answers `faults` with what it injected.
 */
export function runFaultUpstream(port: number, faultShare: number): void {
  const counts: FaultCounts = emptyFaultCounts();
  const attempts = new Map<string, number>();
  const server = createServer(async (request, response) => {
    const arrived = now();
    const key = turnKeyOf(await readBody(request));
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const fault = drawFault(faultShare);
    counts[fault ?? 'clean'] += 1;
    if (fault === 'reset') request.socket.destroy();
    else if (fault === 'rate-limit') refuse(response, 429);
    else if (fault === 'server-error') refuse(response, 500);
    else await stream(response, { arrived, attempt }, fault);
  });
  server.keepAliveTimeout = 600_000;
  process.on('message', (message) => {
    if (message === 'faults') process.send?.(counts);
  });
  server.listen(port, '127.0.0.1', () => process.send?.('ready'));
}
