import { startServerProcess } from '../../test/support/server-process.js';
import type { Topology } from './topology.js';

/** One EchoTune process on its embedded SQLite store. */
export async function startSingleInstance(env: Record<string, string>): Promise<Topology> {
  const instance = await startServerProcess(env);
  const probe = { name: 'instance 1', pid: instance.child.pid!, url: instance.url };
  return {
    url: instance.url,
    probes: () => (instance.alive() ? [probe] : []),
    storeEnv: { DATA_DIR: env.DATA_DIR! },
    stopInstances: () => instance.stop(),
    close: () => instance.stop(),
  };
}
