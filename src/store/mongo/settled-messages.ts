import type { MessageDocument } from './mongo-documents.js';

/**
 * How long a gap in seqs may be an append still in flight. Without transactions a seq is reserved
 * before its message is inserted, so for a moment seq 5 can be readable while seq 4 is not yet; a gap
 * older than this is permanent (a seq given up by a duplicate clientMsgId, or a failed append).
 */
export const inFlightGapMs = 5_000;

/**
 * The messages a catch-up read may hand out: they run from `afterSeq` up to the first gap that may still
 * fill. A reconnecting client resumes from the last seq it got, so reading past such a gap would lose the
 * message that lands in it. `complete` is false when the read stopped at such a gap.
 */
export function settledMessages(
  documents: MessageDocument[],
  afterSeq: number,
  now: number = Date.now(),
): { documents: MessageDocument[]; complete: boolean } {
  const cutoff = new Date(now - inFlightGapMs).toISOString();
  let expected = afterSeq + 1;
  for (const [index, document] of documents.entries()) {
    if (document.seq > expected && document.createdAt > cutoff) {
      return { documents: documents.slice(0, index), complete: false };
    }
    expected = document.seq + 1;
  }
  return { documents, complete: true };
}
