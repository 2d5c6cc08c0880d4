import type { Session } from '../protocol/index.js';

/**
 * Where changes to a listener's session list go: every socket of theirs, on every instance. The gateway
 * implements it with the listener's room (and the session's, for a delete); tests with an array.
 */
export interface SessionListSink {
  /** The session was created, renamed or got its automatic title. */
  sessionUpdated(session: Session): void;
  /** The session is gone: the listener's sockets and whoever is still in its room hear it. */
  sessionDeleted(session: Pick<Session, 'id' | 'userId'>): void;
}
