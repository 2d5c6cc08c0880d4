import type { Namespace } from 'socket.io';
import type { SessionListSink, TurnSink } from '../../chat/index.js';
import type { ImportProgressSink } from '../../listening/index.js';
import { roomForSession, roomForUser } from '../../protocol/index.js';

/**
 * Everything the server tells clients on its own: a turn's events, the changes to a listener's session
 * list, and how their history imports are going.
 */
export type ChatSink = TurnSink & SessionListSink & ImportProgressSink;

/**
 * Chat's events go to rooms: a turn's to its session's room, the session list's to the listener's room
 * (which every socket of theirs joins on connection). The Socket.io adapter decides whether a room spans
 * instances.
 */
export function createRoomSink(namespace: Namespace): ChatSink {
  return {
    emit(sessionId, event, payload) {
      namespace.to(roomForSession(sessionId)).emit(event, ...([payload] as never[]));
    },
    sessionUpdated(session) {
      namespace.to(roomForUser(session.userId)).emit('session:updated', { session });
    },
    sessionDeleted(session) {
      // One emit to both rooms: a socket in both hears it once. Sockets stay in the session's room (they
      // may still hear the turn:error of its stopped turn, which another instance may send after this).
      namespace
        .to([roomForUser(session.userId), roomForSession(session.id)])
        .emit('session:deleted', { sessionId: session.id });
    },
    importProgress(userId, job) {
      namespace.to(roomForUser(userId)).emit('import:progress', { job });
    },
  };
}
