import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'socket.io';

/**
 * Engine.io keeps each connection's upgrade request (an IncomingMessage with its headers, raw headers
 * and stream state, ~2.5 KB of heap) for as long as the connection lives: through the upgrade's response
 * object (a close listener on the TCP socket holds it), as the engine socket's `request`, and as the
 * handshake's `headers`; and the handshake keeps the client's `auth`, a bearer token. EchoTune reads
 * them only while it authenticates a handshake, so all of it is let go: an idle connection then costs
 * its transport and little more, and holds no secret. (Socket.io's memory guide drops the engine
 * socket's `request` the same way.)
 *
 * Returns what to call once a socket is connected (authenticated: what its handshake told is in
 * socket.data).
 */
export function releasingHandshakes(io: Server): (socket: Socket) => void {
  io.engine.use((_request: IncomingMessage, response: { req: IncomingMessage | null }, next: () => void) => {
    next();
    // Only engine.io's stand-in for a WebSocket upgrade, read by no one after the middlewares (this is the
    // only one); a long-polling response is Node's own, which reads `req` while it answers.
    if (!(response instanceof ServerResponse)) response.req = null;
  });
  return (socket) => {
    (socket.conn as { request: IncomingMessage | null }).request = null;
    socket.handshake.headers = {};
    socket.handshake.auth = {};
  };
}
