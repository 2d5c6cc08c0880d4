import type { ContentBlockParam, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ToolDefinition } from '../contract.js';

export interface AnthropicPrompt {
  system: string | undefined;
  messages: MessageParam[];
}

function blocksOf(message: Exclude<ChatMessage, { role: 'system' }>): ContentBlockParam[] {
  switch (message.role) {
    case 'user':
      return [{ type: 'text', text: message.content }];
    case 'assistant':
      return [
        ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
        ...(message.toolCalls ?? []).map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: call.name,
          input: call.args ?? {},
        })),
      ];
    case 'tool':
      return [
        {
          type: 'tool_result',
          tool_use_id: message.toolCallId,
          content: message.content,
          ...(message.isError ? { is_error: true } : {}),
        },
      ];
  }
}

/**
 * System messages become the system prompt; tool results travel in a user turn; consecutive turns of
 * one role merge, because the Messages API wants user and assistant to alternate. A partial reply to
 * continue becomes a final assistant turn (prefill), which Claude carries on without repeating.
 */
export function convertToAnthropicMessages(
  messages: readonly ChatMessage[],
  continueFrom?: string,
): AnthropicPrompt {
  const system = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = blocksOf(message);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  // The API rejects a final assistant turn that ends in whitespace.
  const prefill = continueFrom?.trimEnd();
  if (prefill) turns.push({ role: 'assistant', content: [{ type: 'text', text: prefill }] });
  return { system: system || undefined, messages: turns };
}

export function convertToAnthropicTools(tools: readonly ToolDefinition[]): Tool[] {
  return tools.map((tool) => {
    const { $schema: _schema, ...schema } = tool.inputSchema;
    return {
      name: tool.name,
      description: tool.description,
      input_schema: { ...schema, type: 'object' },
    };
  });
}
