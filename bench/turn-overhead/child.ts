/**
 * One process of the latency benches, in the role its arguments name: `--role upstream --port P`,
 * `--role relay --port P --upstream URL`, or `--role server` (EchoTune, configured by its environment).
 */
import { answerFigures, startHeapProfile } from './figures.js';
import { runRelay } from './relay.js';
import { runUpstream } from './upstream.js';

async function runServer(): Promise<void> {
  const { startServer } = await import('../../src/server.js');
  const server = await startServer();
  const heapProfile = process.env.BENCH_HEAP ? await startHeapProfile() : null;
  answerFigures();
  process.once('SIGINT', async () => {
    await heapProfile?.stop();
    await server.close();
    process.exit(0);
  });
  process.send?.('ready');
}

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

const role = argument('role');
if (role === 'upstream') runUpstream(Number(argument('port')));
else if (role === 'relay') runRelay(Number(argument('port')), argument('upstream')!);
else if (role === 'server') await runServer();
else throw new Error(`--role must be upstream, relay or server, not ${role}`);
