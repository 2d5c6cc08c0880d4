import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../../test/support/environment.js';
import { install, type PeerProcess, startPeer } from './peer-process.js';

export const PORTKEY_VERSION = '1.15.2';
/**
 * The versions in Portkey's own lockfile: a plain install resolves a newer @hono/node-server, and
 * then the gateway answers every request with 500.
 */
const PINNED = { '@portkey-ai/gateway': PORTKEY_VERSION, '@hono/node-server': '1.13.5', hono: '4.9.7' };

function installedVersion(folder: string, name: string): string | null {
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'node_modules', name, 'package.json'), 'utf8'));
    return typeof manifest.version === 'string' ? manifest.version : null;
  } catch {
    return null;
  }
}

const installed = (folder: string) =>
  Object.entries(PINNED).every(([name, version]) => installedVersion(folder, name) === version);

/** The gateway in its own folder under the cache (never the project's node_modules), pins as overrides. */
async function ensurePortkey(cacheDir: string): Promise<string> {
  const folder = join(cacheDir, 'portkey');
  const script = join(folder, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  if (existsSync(script) && installed(folder)) return script;
  mkdirSync(folder, { recursive: true });
  const { '@portkey-ai/gateway': gateway, ...overrides } = PINNED;
  writeFileSync(
    join(folder, 'package.json'),
    JSON.stringify(
      {
        name: 'echotune-peers-portkey',
        private: true,
        dependencies: { '@portkey-ai/gateway': gateway },
        overrides,
      },
      null,
      2,
    ),
  );
  const log = join(folder, 'install.log');
  console.log(`Installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${folder} (log: ${log})`);
  // The npm beside this node, so the gateway is installed by the same toolchain that runs it.
  const npm = join(dirname(process.execPath), 'npm');
  await install(existsSync(npm) ? npm : 'npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: folder,
    log,
  });
  if (!installed(folder))
    throw new Error(`npm did not install the pinned versions ${JSON.stringify(PINNED)}`);
  return script;
}

/**
 * The gateway on Node, headless (no log console), reached through its OpenAI-compatible API with the
 * provider and the upstream named per request: `x-portkey-provider: openai`, `x-portkey-custom-host`.
 */
export async function startPortkey(
  upstreamBaseURL: string,
  cacheDir: string,
  workDir: string,
): Promise<{ process: PeerProcess; url: string; headers: Record<string, string> }> {
  const script = await ensurePortkey(cacheDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = await startPeer(process.execPath, [script, '--headless', `--port=${port}`], {
    cwd: dirname(script),
    env: {},
    log: join(workDir, 'portkey.log'),
    readyUrl: `${url}/`,
    timeoutMs: 60_000,
  });
  const headers = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamBaseURL };
  return { process: gateway, url, headers };
}
