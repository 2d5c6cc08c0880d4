export { type FakeProvider, type FakeProviderKind, startFakeProvider } from './fake-provider.js';
export type { FakeFault, FakeReply, FakeScript, RecordedRequest, ScriptSource } from './fake-script.js';
