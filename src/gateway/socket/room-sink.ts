import type { Namespace } from 'socket.io';
import type { TurnSink } from '../../chat/index.js';
import { roomForSession } from '../../protocol/index.js';

/** Chat's events go to the session's room; the Socket.io adapter decides whether that spans instances. */
export function createRoomSink(namespace: Namespace): TurnSink {
  return {
    emit(sessionId, event, payload) {
      namespace.to(roomForSession(sessionId)).emit(event, ...([payload] as never[]));
    },
  };
}
