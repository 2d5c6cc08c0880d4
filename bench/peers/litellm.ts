import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../test/support/environment.js';
import { install, type PeerProcess, startPeer } from './peer-process.js';

export const LITELLM_VERSION = '1.108.7';

function installedVersion(venv: string): string | null {
  try {
    const script = 'import importlib.metadata as m; print(m.version("litellm"))';
    return execFileSync(join(venv, 'bin', 'python'), ['-c', script], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

/** The LiteLLM proxy in its own virtual environment under the cache (installed on first use). */
async function ensureLiteLLM(cacheDir: string): Promise<string> {
  const venv = join(cacheDir, 'litellm-venv');
  const binary = join(venv, 'bin', 'litellm');
  if (existsSync(binary) && installedVersion(venv) === LITELLM_VERSION) return binary;
  mkdirSync(cacheDir, { recursive: true });
  const log = join(cacheDir, 'pip.log');
  console.log(`Installing litellm[proxy]==${LITELLM_VERSION} into ${venv} (a few minutes; log: ${log})`);
  if (!existsSync(join(venv, 'bin', 'pip'))) {
    await install('python3', ['-m', 'venv', venv], { cwd: cacheDir, log });
  }
  await install(
    join(venv, 'bin', 'pip'),
    ['install', '-q', '--disable-pip-version-check', `litellm[proxy]==${LITELLM_VERSION}`],
    { cwd: cacheDir, log },
  );
  if (installedVersion(venv) !== LITELLM_VERSION) throw new Error(`pip did not install ${LITELLM_VERSION}`);
  return binary;
}

/**
 * One proxy worker with no database: a config naming the bench's model at the upstream (openai/
 * provider, api_base), a random master key (the proxy refuses to start without one), telemetry off
 * and the bundled model price map (it would fetch one from GitHub otherwise).
 */
export async function startLiteLLM(
  upstreamBaseURL: string,
  cacheDir: string,
  workDir: string,
): Promise<{ process: PeerProcess; url: string; apiKey: string }> {
  const binary = await ensureLiteLLM(cacheDir);
  const config = join(workDir, 'litellm.yaml');
  writeFileSync(
    config,
    [
      'model_list:',
      '  - model_name: gpt-4o-mini',
      '    litellm_params:',
      '      model: openai/gpt-4o-mini',
      `      api_base: ${upstreamBaseURL}`,
      '      api_key: bench-key',
      'litellm_settings:',
      '  telemetry: false',
      '',
    ].join('\n'),
  );
  const apiKey = `sk-${randomBytes(32).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['--config', config, '--host', '127.0.0.1', '--port', String(port)];
  const proxy = await startPeer(binary, [...args, '--num_workers', '1', '--telemetry', 'False'], {
    cwd: workDir,
    env: {
      LITELLM_MASTER_KEY: apiKey,
      LITELLM_TELEMETRY: 'False',
      LITELLM_LOCAL_MODEL_COST_MAP: 'True',
      LITELLM_LOG: 'ERROR',
      NO_PROXY: '127.0.0.1,localhost',
    },
    log: join(workDir, 'litellm.log'),
    readyUrl: `${url}/health/liveliness`,
    timeoutMs: 120_000,
  });
  return { process: proxy, url, apiKey };
}
