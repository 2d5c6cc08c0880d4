import { mkdtempSync, writeFileSync } from 'node:fs';
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

export const haproxyBinary = findBinary('haproxy');

const TEMPLATE = 'haproxy.cfg';

/**
 * deploy/haproxy.cfg with loopback addresses: the frontend binds 127.0.0.1:<port>, the `server-template`
 * over Docker's DNS becomes one `server appN 127.0.0.1:<upstream>` line per instance with the template's
 * check parameters, the `resolvers` section goes and maxconn shrinks. Everything else (cookie, checks, timeouts,
 * forwardfor) is the deployed file's. One test-only line names the answering server in a response header.
 */
export function haproxyConfig(template: string, port: number, upstreamPorts: number[]): string {
  // maxconn 20000 needs ~40,000 file descriptors; haproxy refuses to start where fewer are allowed (test
  // machines may allow 20,000), and a test needs a handful.
  let config = substituteOnce(template, TEMPLATE, /^(\s*)maxconn \d+$/m, (indent) => `${indent}maxconn 1000`);
  config = substituteOnce(
    config,
    TEMPLATE,
    /^(\s*)bind \*:3000$/m,
    (indent) => `${indent}bind 127.0.0.1:${port}`,
  );
  config = substituteOnce(
    config,
    TEMPLATE,
    /^(\s*)server-template (\S+) \S+ \S+ (.*?) resolvers \S+ init-addr \S+$/m,
    (indent, prefix, parameters) =>
      [
        ...upstreamPorts.map(
          (upstream, index) => `${indent}server ${prefix}${index + 1} 127.0.0.1:${upstream} ${parameters}`,
        ),
        `${indent}http-response set-header ${UPSTREAM_HEADER} %[srv_name]`,
      ].join('\n'),
  );
  return substituteOnce(config, TEMPLATE, /^(?:#.*\n)*resolvers docker\n(?:[ \t]+\S.*(?:\n|$))*/m, () => '');
}

/** The real haproxy in the foreground (-db) in front of the given loopback ports. */
export async function startHaproxy(upstreamPorts: number[]): Promise<Balancer> {
  if (!haproxyBinary) throw new Error('haproxy is not installed');
  const directory = mkdtempSync(join(tmpdir(), 'echotune-haproxy-'));
  const port = await freePort();
  const path = join(directory, 'haproxy.cfg');
  writeFileSync(path, haproxyConfig(readDeployTemplate(TEMPLATE), port, upstreamPorts));
  return runBalancer({
    kind: 'haproxy',
    binary: haproxyBinary,
    args: ['-f', path, '-db'],
    port,
    directory,
    upstreamOf: (headers) => {
      const name = String(headers[UPSTREAM_HEADER] ?? '');
      const index = Number(/(\d+)$/.exec(name)?.[1]) - 1;
      if (!(index >= 0 && index < upstreamPorts.length)) throw new Error(`no upstream named in "${name}"`);
      return index;
    },
  });
}
