import { isFollowUp, refine, tracksNamedIn } from './follow-up.js';
import type { RecommendQueryInput } from './query.js';

/** What came before a message in its session: earlier messages of the listener (newest first), the last reply. */
export interface ConversationSoFar {
  earlier: readonly string[];
  lastReply?: string;
}

export interface Understood {
  query: RecommendQueryInput;
  /** False when the words say nothing the engine can use: better to ask than to pick at random. */
  readable: boolean;
}

/** Words of a plain wish for music, which needs nothing more to be answered. */
const generalRequest =
  /\b(music|songs?|tracks?|tunes?|something|anything|recommend\w*|suggest\w*|play|playlist|listen\w*|surprise|vibes?|bangers?|hits?|classics?|favou?rites?)\b/i;
const maxChain = 5;

/**
 * A message as a query: its own words (`read`), refining the session's previous request when it is a
 * follow-up ("less latin", "more like that", "something slower").
 */
export function understandRequest(
  text: string,
  conversation: ConversationSoFar,
  read: (text: string) => RecommendQueryInput,
  depth = 0,
): Understood {
  const current = read(text);
  const previousText = conversation.earlier[0];
  if (depth < maxChain && previousText !== undefined && isFollowUp(text)) {
    const previous = understandRequest(
      previousText,
      { earlier: conversation.earlier.slice(1) },
      read,
      depth + 1,
    );
    const query = refine(previous.query, current, text, tracksNamedIn(conversation.lastReply ?? ''));
    return { query, readable: true };
  }
  return { query: current, readable: Object.keys(current).length > 0 || generalRequest.test(text) };
}
