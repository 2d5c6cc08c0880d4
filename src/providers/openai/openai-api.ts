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
