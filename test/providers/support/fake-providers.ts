import { afterEach } from 'vitest';
import { type FakeProvider, type ScriptSource, startFakeProvider } from '../fake-servers/index.js';

/**
 * Starts fake provider servers for a test file and closes every one after each test. Call once at the
 * top of the file; the returned function starts a server.
 */
export function fakeProvidersClosedAfterEach(): (
  kind: 'openai' | 'anthropic' | 'gemini',
  script: ScriptSource,
) => Promise<FakeProvider> {
  const started: FakeProvider[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((provider) => provider.close()));
  });
  return async (kind, script) => {
    const provider = await startFakeProvider(kind, script);
    started.push(provider);
    return provider;
  };
}
