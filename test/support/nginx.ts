import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Balancer,
  findBinary,
  readDeployTemplate,
  runBalancer,
  substituteOnce,
  UPSTREAM_HEADER,
} from './balancer-process.js';
import { freePort } from './environment.js';

export const nginxBinary = findBinary('nginx');

const TEMPLATE = 'nginx.conf';

/**
 * deploy/nginx.conf with loopback addresses and a private directory: `listen 127.0.0.1:<port>`, one
 * `server 127.0.0.1:<upstream>` line per instance with the template's parameters, one worker in the
 * foreground, pid and temp files under `directory`. Everything else (hash, headers, timeouts) is the
 * deployed file's. One test-only line names the answering upstream in a response header.
 */
export function nginxConfig(
  template: string,
  port: number,
  upstreamPorts: number[],
  directory: string,
): string {
  let config = substituteOnce(template, TEMPLATE, /^worker_processes \S+;$/m, () =>
    ['worker_processes 1;', 'daemon off;', `pid ${join(directory, 'nginx.pid')};`].join('\n'),
  );
  config = substituteOnce(config, TEMPLATE, /^http \{$/m, () =>
    [
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind}_temp_path ${join(directory, `${kind}_temp`)};`,
      ),
    ].join('\n'),
  );
  config = substituteOnce(config, TEMPLATE, /^(\s*)server app:3000([^;]*);$/m, (indent, parameters) =>
    upstreamPorts.map((upstream) => `${indent}server 127.0.0.1:${upstream}${parameters};`).join('\n'),
  );
  config = substituteOnce(
    config,
    TEMPLATE,
    /^(\s*)listen 3000;$/m,
    (indent) => `${indent}listen 127.0.0.1:${port};`,
  );
  return substituteOnce(
    config,
    TEMPLATE,
    /^(\s*)proxy_pass http:\/\/echotune;$/m,
    (indent) =>
      `${indent}proxy_pass http://echotune;\n${indent}add_header ${UPSTREAM_HEADER} $upstream_addr always;`,
  );
}

/** The real nginx (master and one worker, not daemonized) in front of the given loopback ports. */
export async function startNginx(upstreamPorts: number[]): Promise<Balancer> {
  if (!nginxBinary) throw new Error('nginx is not installed');
  const directory = mkdtempSync(join(tmpdir(), 'echotune-nginx-'));
  // Started as root, nginx's worker runs as nobody and must reach the temp directories in here.
  chmodSync(directory, 0o755);
  const port = await freePort();
  const path = join(directory, 'nginx.conf');
  writeFileSync(path, nginxConfig(readDeployTemplate(TEMPLATE), port, upstreamPorts, directory));
  return runBalancer({
    kind: 'nginx',
    binary: nginxBinary,
    // -e: the error log before the configuration is read (the compiled-in path may not be writable).
    args: ['-p', `${directory}/`, '-c', path, '-e', 'stderr'],
    port,
    directory,
    upstreamOf: (headers) => {
      const address = String(headers[UPSTREAM_HEADER] ?? '');
      const index = upstreamPorts.indexOf(Number(/:(\d+)$/.exec(address)?.[1]));
      if (index < 0) throw new Error(`no upstream named in "${address}"`);
      return index;
    },
  });
}
