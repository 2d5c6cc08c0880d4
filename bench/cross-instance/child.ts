/**
 * The bench's other processes, one role each, so no side shares an event loop with the clients or with
 * another instance: `--role echotune` (startServer with this process's environment), `--role bare` (a
 * plain Socket.io server, see bare-server.ts) and `--role upstream` (the fake OpenAI-compatible model).
 */
import { runUpstream } from '../turn-overhead/upstream.js';
import { runBareServer } from './bare-server.js';
import { cpuMs, serveRequests } from './ipc.js';

// The bench went away (killed, or failed while this one was starting): nothing may outlive it.
process.once('disconnect', () => process.exit(0));
if (!process.connected) process.exit(0);

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const role = argument('role');
if (role === 'upstream') {
  serveRequests({ cpu: cpuMs }, async () => {});
  // Says 'ready' itself once it listens.
  runUpstream(Number(argument('port')));
} else if (role === 'echotune') {
  const { startServer } = await import('../../src/server.js');
  const server = await startServer(process.env);
  serveRequests({ cpu: cpuMs }, () => server.close());
  process.send?.({ url: server.url });
} else if (role === 'bare') {
  await runBareServer({
    redisUrl: argument('redis')!,
    adapter: argument('adapter') === 'pubsub' ? 'pubsub' : 'streams',
  });
} else {
  throw new Error(`unknown role ${role}`);
}
