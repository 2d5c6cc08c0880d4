import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server, type Socket } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { releasingHandshakes } from '../../src/gateway/socket/handshake-release.js';

// A full collection on demand, to see whether anything still holds an object.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function collected(reference: WeakRef<object>): Promise<boolean> {
  for (let attempt = 0; attempt < 5 && reference.deref() !== undefined; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
  }
  return reference.deref() === undefined;
}

interface Seen {
  request: WeakRef<IncomingMessage>;
  auth: WeakRef<object>;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A Socket.io server that echoes `ping`, with or without the release; reports each handshake it saw. */
async function startServer(release: boolean): Promise<{ url: string; seen: Seen[] }> {
  const http = createServer();
  const io = new Server(http);
  const releaseHandshake = release ? releasingHandshakes(io) : () => undefined;
  const seen: Seen[] = [];
  const chat = io.of('/chat');
  chat.use((socket, next) => {
    seen.push({ request: new WeakRef(socket.request), auth: new WeakRef(socket.handshake.auth) });
    next();
  });
  chat.on('connection', (socket: Socket) => {
    releaseHandshake(socket);
    socket.on('ping', (payload: unknown, ack: (answer: unknown) => void) => ack({ pong: payload }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    await io.close();
  });
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, seen };
}

async function open(url: string, transports: ('websocket' | 'polling')[]): Promise<ClientSocket> {
  const socket = connect(`${url}/chat`, { auth: { token: 'a bearer secret' }, transports, forceNew: true });
  closers.unshift(async () => {
    socket.disconnect();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

describe('a connected socket lets go of its handshake', () => {
  it('keeps no upgrade request nor credentials over WebSocket, and still answers', async () => {
    const { url, seen } = await startServer(true);
    const socket = await open(url, ['websocket']);
    expect(await socket.timeout(2_000).emitWithAck('ping', 1)).toEqual({ pong: 1 });
    expect(await collected(seen[0]!.request)).toBe(true);
    expect(await collected(seen[0]!.auth)).toBe(true);
    expect(await socket.timeout(2_000).emitWithAck('ping', 2)).toEqual({ pong: 2 });
  });

  it('does the same for a long-polling connection, which still upgrades to WebSocket', async () => {
    const { url, seen } = await startServer(true);
    const socket = await open(url, ['polling', 'websocket']);
    if (socket.io.engine.transport.name !== 'websocket') {
      await new Promise<void>((resolve) => socket.io.engine.once('upgrade', () => resolve()));
    }
    expect(socket.io.engine.transport.name).toBe('websocket');
    expect(await socket.timeout(2_000).emitWithAck('ping', 3)).toEqual({ pong: 3 });
    expect(await collected(seen[0]!.request)).toBe(true);
    expect(await collected(seen[0]!.auth)).toBe(true);
  });

  it('(without the release, Socket.io keeps both as long as the connection lives)', async () => {
    const { url, seen } = await startServer(false);
    const socket = await open(url, ['websocket']);
    expect(await socket.timeout(2_000).emitWithAck('ping', 4)).toEqual({ pong: 4 });
    expect(await collected(seen[0]!.request)).toBe(false);
    expect(await collected(seen[0]!.auth)).toBe(false);
  });
});
