import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { TokenExpiry } from '../../src/gateway/socket/token-expiry.js';

/** Enough of a socket.io Socket for the watcher: events, and emit/disconnect that record nothing. */
function fakeSocket(): Socket & EventEmitter {
  return Object.assign(new EventEmitter(), { disconnect: () => undefined }) as unknown as Socket &
    EventEmitter;
}

describe('token expiry watch', () => {
  it('keeps one disconnect listener however often the token is refreshed', () => {
    const expiry = new TokenExpiry(1_000);
    const socket = fakeSocket();
    for (let refresh = 0; refresh < 50; refresh += 1) expiry.watch(socket, Date.now() + 60_000 + refresh);
    expect(socket.listenerCount('disconnect')).toBe(1);
    socket.emit('disconnect');
    expect(expiry.isExpired(socket)).toBe(false);
  });

  it('forgets a socket once it disconnects', () => {
    const expiry = new TokenExpiry(1_000);
    const socket = fakeSocket();
    expiry.watch(socket, Date.now() - 1);
    expect(expiry.isExpired(socket)).toBe(true);
    socket.emit('disconnect');
    expect(expiry.isExpired(socket)).toBe(false);
  });
});
