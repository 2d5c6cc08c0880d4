import type { ErrorCode } from '../../src/protocol/index.js';
import { MARK } from '../turn-overhead/upstream.js';

/** What the harness saw of one turn, from its first send to its reply (or to giving up). */
export interface TurnOutcome {
  clientMsgId: string;
  sessionId: string;
  /** done: a finished reply arrived (or was found stored); failed: refused without `retryable`. */
  status: 'done' | 'failed' | 'abandoned';
  /** message:send attempts, the first included. */
  sends: number;
  /** Every failure met on the way: a turn:error's or refused ack's code, or `ack_timeout`. */
  failures: Array<ErrorCode | 'ack_timeout'>;
  /** Each acknowledged send: emit → ack. */
  ackMs: number[];
  /** First attempt answered by the upstream at once: client wait to the first delta − upstream TTFB. */
  overheadMs?: number;
  /** The same turns: the upstream's first byte → the first delta at the client. */
  deliveryMs?: number;
  /** First send → the finished reply. */
  totalMs: number;
  /** The deployment that answered (`offline` is the router's last resort). */
  provider?: string;
  /** The reply was found through session:join after a missed turn:done (an instance died). */
  recoveredByJoin: boolean;
}

/** The upstream's instants and attempt number from the first words of its reply, or null. */
export function upstreamMark(text: string): { arrived: number; firstByte: number; attempt: number } | null {
  const at = text.indexOf(MARK);
  if (at < 0) return null;
  const [instants, attemptWord] = text.slice(at + MARK.length).split(' ');
  const [arrived, firstByte] = (instants ?? '').split(',').map(Number);
  const attempt = Number(/^attempt=(\d+)$/.exec(attemptWord ?? '')?.[1]);
  if (!Number.isFinite(arrived) || !Number.isFinite(firstByte) || !Number.isFinite(attempt)) return null;
  return { arrived: arrived!, firstByte: firstByte!, attempt };
}

/** What the harness sends: the upstream reads the clientMsgId back out of the prompt (fault-upstream.ts). */
export const turnText = (clientMsgId: string) => `load turn ${clientMsgId} please`;
