import type { Message } from '../protocol/index.js';
import type { ChatMessage } from '../providers/index.js';

const SYSTEM_PROMPT = [
  'You are EchoTune, a friendly music guide in a chat.',
  'When the listener wants music, call the recommend_tracks tool and recommend only tracks it returns;',
  'name them as "Title" by Artist and say in a few words why they fit.',
  'When they ask about their own listening (what they played or skipped most, their top artists, how much',
  'they listen), call listening_stats and answer with its numbers; never guess them.',
  'Keep replies short and warm. Plain text, no tables.',
].join(' ');

/** Enough recent turns for the model to follow the conversation, bounded to keep prompts cheap. */
export const CONTEXT_MESSAGES = 20;

export function buildContext(history: Message[]): ChatMessage[] {
  const turns: ChatMessage[] = history
    .filter((message) => message.text.length > 0)
    .map((message) =>
      message.role === 'user'
        ? { role: 'user', content: message.text }
        : { role: 'assistant', content: message.text },
    );
  return [{ role: 'system', content: SYSTEM_PROMPT }, ...turns];
}
