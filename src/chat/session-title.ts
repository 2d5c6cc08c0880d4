/** What a session is called until the listener names it or its first message does. */
export const DEFAULT_SESSION_TITLE = 'New chat';

/** Longest automatic title, the ellipsis included: about what a session list shows on one line. */
const MAX_TITLE_CHARS = 48;
/** A cut at a word boundary may not shorten the title below this: one long word is cut inside. */
const MIN_WORD_CUT_CHARS = 16;
const ELLIPSIS = '…';

/**
 * A session's automatic title from its first message: whitespace collapsed, and when longer than fits,
 * cut at the last word boundary (trailing punctuation dropped) with an ellipsis. Counts code points, so
 * an emoji is never split in half.
 */
export function titleFromMessage(text: string): string {
  const collapsed = [...text.replace(/\s+/g, ' ').trim()];
  if (collapsed.length <= MAX_TITLE_CHARS) return collapsed.join('');
  const room = collapsed.slice(0, MAX_TITLE_CHARS - ELLIPSIS.length);
  // A space right after the room means the room ends on a whole word.
  const boundary = collapsed[room.length] === ' ' ? room.length : room.lastIndexOf(' ');
  const kept = boundary >= MIN_WORD_CUT_CHARS ? room.slice(0, boundary) : room;
  return `${kept.join('').replace(/[\s.,;:!?…-]+$/u, '')}${ELLIPSIS}`;
}
