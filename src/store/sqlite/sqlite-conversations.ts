import { EchoError } from '../../errors.js';
import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import { newId } from '../ids.js';
import type {
  AppendResult,
  Message,
  NewMessage,
  Page,
  PageRequest,
  Session,
  User,
  UserMergeReport,
} from '../records.js';
import type { ConversationStore, Synchronous } from '../store.js';
import { nowIso } from '../time.js';
import {
  type MessageRow,
  type SessionRow,
  toMessage,
  toSession,
  toUser,
  type UserRow,
} from './sqlite-rows.js';
import type { SqliteStatements } from './sqlite-statements.js';
import { mergeSqliteUsers } from './sqlite-user-merge.js';

/** Users, sessions and messages: the conversation itself. */
export class SqliteConversations implements Synchronous<ConversationStore> {
  readonly #sql: SqliteStatements;

  constructor(statements: SqliteStatements) {
    this.#sql = statements;
  }

  /** Idempotent on id: creating a user that exists returns the stored user unchanged. */
  createUser(input: Pick<User, 'id' | 'kind'> & { displayName?: string | null }): User {
    this.#sql.run(
      'INSERT OR IGNORE INTO users (id, kind, display_name, created_at) VALUES (?, ?, ?, ?)',
      input.id,
      input.kind,
      input.displayName ?? null,
      nowIso(),
    );
    return toUser(this.#sql.get<UserRow>('SELECT * FROM users WHERE id = ?', input.id)!);
  }

  createSession(input: { userId: string; title: string }): Session {
    const now = nowIso();
    const session: Session = {
      id: newId(),
      userId: input.userId,
      title: input.title,
      createdAt: now,
      updatedAt: now,
      lastSeq: 0,
    };
    this.#sql.run(
      'INSERT INTO sessions (id, user_id, title, created_at, updated_at, last_seq) VALUES (?, ?, ?, ?, ?, 0)',
      session.id,
      session.userId,
      session.title,
      now,
      now,
    );
    return session;
  }

  getSession(id: string): Session | null {
    const row = this.#sql.get<SessionRow>('SELECT * FROM sessions WHERE id = ?', id);
    return row === undefined ? null : toSession(row);
  }

  listSessions(userId: string, page: PageRequest): Page<Session> {
    const limit = clampLimit(page.limit);
    let rows: SessionRow[];
    if (page.cursor === undefined) {
      rows = this.#sql.all<SessionRow>(
        'SELECT * FROM sessions WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?',
        userId,
        limit + 1,
      );
    } else {
      const [updatedAt, id] = decodeCursor(page.cursor, ['string', 'string'] as const);
      rows = this.#sql.all<SessionRow>(
        `SELECT * FROM sessions WHERE user_id = ? AND (updated_at < ? OR (updated_at = ? AND id < ?))
         ORDER BY updated_at DESC, id DESC LIMIT ?`,
        userId,
        updatedAt,
        updatedAt,
        id,
        limit + 1,
      );
    }
    return toPage(rows, limit, toSession, (row) => encodeCursor([row.updated_at, row.id]));
  }

  renameSession(id: string, title: string, expected?: { title: string }): Session | null {
    const row =
      expected === undefined
        ? this.#sql.get<SessionRow>('UPDATE sessions SET title = ? WHERE id = ? RETURNING *', title, id)
        : this.#sql.get<SessionRow>(
            'UPDATE sessions SET title = ? WHERE id = ? AND title = ? RETURNING *',
            title,
            id,
            expected.title,
          );
    return row === undefined ? null : toSession(row);
  }

  /** One immediate transaction: an append racing the delete lands before it (and goes) or fails. */
  deleteSession(id: string): boolean {
    return this.#sql.immediate(() => {
      this.#sql.run('DELETE FROM messages WHERE session_id = ?', id);
      this.#sql.run('DELETE FROM recommendations WHERE session_id = ?', id);
      this.#sql.run('DELETE FROM turn_progress WHERE session_id = ?', id);
      return this.#sql.run('DELETE FROM sessions WHERE id = ?', id) > 0;
    });
  }

  findMessageByClientMsgId(sessionId: string, clientMsgId: string): Message | null {
    const row = this.#sql.get<MessageRow>(
      'SELECT * FROM messages WHERE session_id = ? AND client_msg_id = ?',
      sessionId,
      clientMsgId,
    );
    return row === undefined ? null : toMessage(row);
  }

  /**
   * Seq is taken and written inside one immediate transaction, so appends can never share a seq; the
   * session's counter moves with `UPDATE … RETURNING` (one statement instead of a read and a write).
   */
  appendMessage(input: NewMessage): AppendResult {
    return this.#sql.immediate(() => {
      const clientMsgId = input.clientMsgId ?? null;
      if (clientMsgId !== null) {
        const existing = this.findMessageByClientMsgId(input.sessionId, clientMsgId);
        if (existing !== null) return { message: existing, created: false };
      }
      const createdAt = nowIso();
      const session = this.#sql.get<Pick<SessionRow, 'last_seq'>>(
        'UPDATE sessions SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING last_seq',
        createdAt,
        input.sessionId,
      );
      if (session === undefined) throw new EchoError('not_found', `Session ${input.sessionId} not found`);
      const message: Message = {
        id: newId(),
        sessionId: input.sessionId,
        seq: session.last_seq,
        role: input.role,
        text: input.text,
        clientMsgId,
        createdAt,
        meta: input.meta ?? null,
      };
      this.#sql.run(
        `INSERT INTO messages (id, session_id, seq, role, text, client_msg_id, created_at, meta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        message.id,
        message.sessionId,
        message.seq,
        message.role,
        message.text,
        message.clientMsgId,
        message.createdAt,
        message.meta === null ? null : JSON.stringify(message.meta),
      );
      return { message, created: true };
    });
  }

  listMessages(sessionId: string, query: { afterSeq: number; limit: number }): Page<Message> {
    const limit = clampLimit(query.limit);
    const rows = this.#sql.all<MessageRow>(
      'SELECT * FROM messages WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      sessionId,
      query.afterSeq,
      limit + 1,
    );
    return toPage(rows, limit, toMessage, (row) => String(row.seq));
  }

  recentMessages(sessionId: string, limit: number): Message[] {
    const rows = this.#sql.all<MessageRow>(
      'SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?',
      sessionId,
      clampLimit(limit),
    );
    return rows.reverse().map(toMessage);
  }

  mergeUsers(fromUserId: string, intoUserId: string): UserMergeReport {
    return mergeSqliteUsers(this.#sql, fromUserId, intoUserId);
  }
}
