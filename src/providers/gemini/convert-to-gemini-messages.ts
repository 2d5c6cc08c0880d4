import type { Content, FunctionDeclaration, Part } from '@google/genai';
import type { ChatMessage, ToolDefinition } from '../contract.js';
import { withContinuation } from '../router/continuation.js';

export interface GeminiPrompt {
  systemInstruction: string | undefined;
  contents: Content[];
}

/**
 * Gemini 3 rejects replayed function calls without their thought signature. Signatures seen in
 * responses are looked up by call id; for calls it never saw, Google documents this placeholder.
 */
export const unknownThoughtSignature = 'skip_thought_signature_validator';

function parseToolContent(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}

function partsOf(
  message: Exclude<ChatMessage, { role: 'system' }>,
  signatures: ReadonlyMap<string, string>,
): Part[] {
  switch (message.role) {
    case 'user':
      return [{ text: message.content }];
    case 'assistant':
      return [
        ...(message.content ? [{ text: message.content }] : []),
        ...(message.toolCalls ?? []).map((call) => ({
          functionCall: { id: call.id, name: call.name, args: (call.args ?? {}) as Record<string, unknown> },
          thoughtSignature: signatures.get(call.id) ?? unknownThoughtSignature,
        })),
      ];
    case 'tool': {
      const value = parseToolContent(message.content);
      return [
        {
          functionResponse: {
            id: message.toolCallId,
            name: message.toolName,
            response: message.isError ? { error: value } : { output: value },
          },
        },
      ];
    }
  }
}

/** System messages become the system instruction; the assistant is 'model'; same-role turns merge. */
export function convertToGeminiMessages(
  messages: readonly ChatMessage[],
  continueFrom?: string,
  signatures: ReadonlyMap<string, string> = new Map(),
): GeminiPrompt {
  const all = withContinuation(messages, continueFrom);
  const system = all
    .filter((message) => message.role === 'system')
    .map((message) => message.content)
    .join('\n\n');
  const contents: Content[] = [];
  for (const message of all) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = partsOf(message, signatures);
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last?.role === role) last.parts = [...(last.parts ?? []), ...parts];
    else contents.push({ role, parts });
  }
  return { systemInstruction: system || undefined, contents };
}

export function convertToGeminiTools(tools: readonly ToolDefinition[]): FunctionDeclaration[] {
  return tools.map((tool) => {
    const { $schema: _schema, ...schema } = tool.inputSchema;
    return { name: tool.name, description: tool.description, parametersJsonSchema: schema };
  });
}
