import type { ChatMessage, ToolDefinition } from '../contract.js';

/**
 * A provider-independent token estimate (about four characters per token for English text). The
 * router needs a prompt size before any provider has answered, and the offline model reports usage
 * with it; real adapters replace it with the provider's own counts when they arrive.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function messageText(message: ChatMessage): string {
  if (message.role === 'assistant' && message.toolCalls) {
    return message.content + JSON.stringify(message.toolCalls);
  }
  return message.content;
}

/** Prompt tokens: every message plus a small per-message overhead, plus the tool schemas. */
export function estimatePromptTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[],
): number {
  const perMessageOverhead = 4;
  let total = 0;
  for (const message of messages) total += estimateTokens(messageText(message)) + perMessageOverhead;
  for (const tool of tools) total += toolTokens(tool);
  return total;
}

/** A tool definition is a constant sent with every step: its schema is serialized and measured once. */
const toolTokenCache = new WeakMap<ToolDefinition, number>();

function toolTokens(tool: ToolDefinition): number {
  let tokens = toolTokenCache.get(tool);
  if (tokens === undefined) {
    tokens = estimateTokens(tool.name + tool.description + JSON.stringify(tool.inputSchema));
    toolTokenCache.set(tool, tokens);
  }
  return tokens;
}
