import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { ChatMessage, ToolDefinition } from '../contract.js';
import { withContinuation } from '../router/continuation.js';

function convertMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      if (!message.toolCalls || message.toolCalls.length === 0)
        return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
        })),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

export function convertToOpenAIMessages(
  messages: readonly ChatMessage[],
  continueFrom?: string,
): ChatCompletionMessageParam[] {
  return withContinuation(messages, continueFrom).map(convertMessage);
}

export function convertToOpenAITools(tools: readonly ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => {
    // The $schema marker zod adds is noise to the API and rejected by some compatible servers.
    const { $schema: _schema, ...parameters } = tool.inputSchema;
    return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
  });
}
