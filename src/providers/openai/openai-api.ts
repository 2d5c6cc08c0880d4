import { z } from 'zod';

/**
 * The chat.completion.chunk shape, as far as the adapter reads it. The SDK types chunks but does not
 * check them; a compatible server (vLLM, Ollama, OpenRouter) may send something else, and a chunk
 * that fails this schema becomes an error part instead of a crash.
 */
const toolCallDeltaSchema = z.looseObject({
  index: z.number().int().optional(),
  id: z.string().nullish(),
  function: z
    .looseObject({
      name: z.string().nullish(),
      arguments: z.string().nullish(),
    })
    .nullish(),
});

export const openAIChunkSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().optional(),
        delta: z
          .looseObject({
            content: z.string().nullish(),
            tool_calls: z.array(toolCallDeltaSchema).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
    })
    .nullish(),
  /** Some compatible gateways report a failure inside the stream instead of with a status. */
  error: z.looseObject({ message: z.string().optional(), code: z.unknown().optional() }).nullish(),
});
export type OpenAIChunk = z.infer<typeof openAIChunkSchema>;

const isNullish = (value: unknown): value is null | undefined => value === null || value === undefined;
const isOptionalInt = (value: unknown) => value === undefined || Number.isSafeInteger(value);
const isNullishString = (value: unknown) => isNullish(value) || typeof value === 'string';

/**
 * The common chunk (text, finish, usage; no tool calls, no error) checked by hand: a stream has a chunk
 * per few tokens and zod costs more than the rest of the adapter. Anything else, valid or not, goes
 * through the schema, which stays the definition of what is accepted.
 */
export function parseOpenAIChunk(raw: unknown): ReturnType<typeof openAIChunkSchema.safeParse> {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const chunk = raw as Record<string, unknown>;
    if (isNullish(chunk.error) && Array.isArray(chunk.choices) && isSimpleUsage(chunk.usage)) {
      if (chunk.choices.every(isSimpleChoice)) return { success: true, data: chunk as OpenAIChunk };
    }
  }
  return openAIChunkSchema.safeParse(raw);
}

function isSimpleUsage(usage: unknown): boolean {
  if (isNullish(usage)) return true;
  if (typeof usage !== 'object' || Array.isArray(usage)) return false;
  const { prompt_tokens, completion_tokens } = usage as Record<string, unknown>;
  return Number.isSafeInteger(prompt_tokens) && Number.isSafeInteger(completion_tokens);
}

function isSimpleChoice(choice: unknown): boolean {
  if (choice === null || typeof choice !== 'object' || Array.isArray(choice)) return false;
  const { index, delta, finish_reason } = choice as Record<string, unknown>;
  if (!isOptionalInt(index) || !isNullishString(finish_reason)) return false;
  if (isNullish(delta)) return true;
  if (typeof delta !== 'object' || Array.isArray(delta)) return false;
  const { content, tool_calls } = delta as Record<string, unknown>;
  return isNullishString(content) && isNullish(tool_calls);
}
