/** The session before the listener's last message: their earlier messages (newest first), the last reply. */
export interface OfflineConversation {
  earlier: string[];
  lastReply?: string;
}

/** A recommended track as far as the offline reply talks about it. */
export interface RecommendedTrackSummary {
  name: string;
  artists: string[];
  genres?: string[] | undefined;
  reasons?: string[] | undefined;
}

/**
 * The recommendation tool as the offline model needs it. The tool belongs to whoever offers it (chat):
 * its name, how a listener's words become its arguments, and how its result reads back.
 */
export interface OfflineTool {
  name: string;
  /**
   * The tool's arguments for what the listener said (mood, activity, genres, tempo, artists…), given
   * what came before in the session (a follow-up refines the previous request); null when the words say
   * nothing it can use, and the model asks instead.
   */
  argumentsFor(text: string, conversation: OfflineConversation): Record<string, unknown> | null;
  /** The tracks a tool result names, or undefined when the content is not such a result. */
  readResult(
    content: string,
  ): { tracks: RecommendedTrackSummary[]; notes?: string[] | undefined } | undefined;
}

/**
 * A tool the offline model calls only when the listener's words ask for it (their listening stats),
 * and whose result it reads out as the reply. Whoever offers the tool (chat) writes both halves.
 */
export interface OfflineAnswerTool {
  name: string;
  /** The tool's arguments when the words are for it; null otherwise. */
  argumentsFor(text: string): Record<string, unknown> | null;
  /** The reply for a result of the tool; undefined when the content is not such a result. */
  replyTo(content: string): string | undefined;
}
