import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { TokenExpiry } from '../../src/gateway/socket/token-expiry.js';

/** What the watch uses of a socket: it is told, and let go of. */
function fakeSocket() {
  const heard: string[] = [];
  let disconnected = false;
  const socket = {
    emit: (event: string) => heard.push(event),
    disconnect: () => {
      disconnected = true;
    },
  } as unknown as Socket;
  return { socket, heard, disconnected: () => disconnected };
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('one sweep watches every socket’s token', () => {
  it('tells a socket once its token ran out, and lets it go after the grace unless refreshed', async () => {
    const expiry = new TokenExpiry(100, 20);
    const [late, refreshed, fresh] = [fakeSocket(), fakeSocket(), fakeSocket()];
    expiry.watch(late.socket, Date.now() + 30);
    expiry.watch(refreshed.socket, Date.now() + 30);
    expiry.watch(fresh.socket, Date.now() + 60_000);
    await pause(80);
    expect(late.heard).toEqual(['auth:expired']);
    expect(expiry.isExpired(late.socket)).toBe(true);
    expect(fresh.heard).toEqual([]);
    // A refresh within the grace: a new expiry, and no disconnect.
    expiry.watch(refreshed.socket, Date.now() + 60_000);
    expect(expiry.isExpired(refreshed.socket)).toBe(false);
    await pause(150);
    expect(late.disconnected()).toBe(true);
    expect(late.heard).toEqual(['auth:expired']);
    expect(refreshed.disconnected()).toBe(false);
    expect(fresh.disconnected()).toBe(false);
    for (const { socket } of [late, refreshed, fresh]) expiry.stop(socket);
  });

  it('adds nothing to a socket, however often its token is refreshed', () => {
    const expiry = new TokenExpiry(1_000);
    const socket = Object.assign(new EventEmitter(), { disconnect: () => undefined }) as unknown as Socket &
      EventEmitter;
    for (let refresh = 0; refresh < 50; refresh += 1) expiry.watch(socket, Date.now() + 60_000 + refresh);
    expect(socket.eventNames()).toEqual([]);
    expiry.stop(socket);
  });

  it('forgets a socket that left (the namespace stops it on disconnect): no word, no disconnect', async () => {
    const expiry = new TokenExpiry(10, 10);
    const gone = fakeSocket();
    expiry.watch(gone.socket, Date.now() + 20);
    expiry.stop(gone.socket);
    await pause(60);
    expect(gone.heard).toEqual([]);
    expect(gone.disconnected()).toBe(false);
    expect(expiry.isExpired(gone.socket)).toBe(false);
  });
});
