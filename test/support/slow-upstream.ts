import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeProvider, type FakeScript, startFakeProvider } from '../providers/fake-servers/index.js';

/** A local OpenAI-compatible model that calls recommend_tracks once, then streams a known reply slowly. */
export interface SlowUpstream {
  /** The reply text, `words` words long, one word of it per 50 ms (two per 100 ms chunk). */
  reply: string;
  /** A PROVIDERS_FILE routing every turn to this upstream (and nowhere else). */
  providersFile: string;
  upstream: FakeProvider;
  close(): Promise<void>;
}

export async function startSlowUpstream(options: {
  /** Where the providers file goes (the test's temporary directory). */
  directory: string;
  words: number;
  /** Distinguishes one test's reply words from another's. */
  word?: string;
}): Promise<SlowUpstream> {
  const reply = Array.from({ length: options.words }, (_, index) => `${options.word ?? 'word'}${index}`).join(
    ' ',
  );
  const script = (request: { body: unknown }): FakeScript =>
    JSON.stringify(request.body).includes('recommendationId')
      ? { reply: { text: reply }, chunkDelayMs: 100 }
      : { reply: { toolCalls: [{ name: 'recommend_tracks', args: { mood: 'calm', limit: 4 } }] } };
  const upstream = await startFakeProvider('openai', {});
  upstream.setScript(script);
  const providersFile = join(options.directory, 'providers.json');
  writeFileSync(
    providersFile,
    JSON.stringify({
      deployments: [
        { id: 'slow', provider: 'openai-compatible', model: 'gpt-4o-mini', baseURL: upstream.baseURL },
      ],
      router: { explorationShare: 0, firstTokenTimeoutMs: 5_000, idleTimeoutMs: 5_000 },
    }),
  );
  return { reply, providersFile, upstream, close: () => upstream.close() };
}
