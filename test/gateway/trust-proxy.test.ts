import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { startTestServer, type TestServer } from '../support/echotune-server.js';

/**
 * The per-IP REST budget keys on the client address Fastify derives under TRUST_PROXY. The test plays
 * the load balancer: it connects from 127.0.0.1 and writes X-Forwarded-For as a proxy would, with the
 * client's own (spoofable) entries on the left and the address the proxy saw appended on the right.
 */
describe('TRUST_PROXY and the per-IP REST budget', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  const BUDGET = 3;
  const start = (trustProxy: string) =>
    startTestServer({ TRUST_PROXY: trustProxy, RATE_LIMIT_REQUESTS_PER_MINUTE: String(BUDGET) });
  const request = async (forwardedFor: string) => {
    const response = await fetch(`${server!.url}/api/v1/auth/guest`, {
      method: 'POST',
      headers: { 'x-forwarded-for': forwardedFor },
    });
    return response.status;
  };
  /** BUDGET + 1 requests from one client whose leftmost, client-written entry changes every time. */
  const spoofing = async (forwardedFor: (index: number) => string) => {
    const statuses: number[] = [];
    for (let index = 0; index <= BUDGET; index += 1) statuses.push(await request(forwardedFor(index)));
    return statuses;
  };
  const limited = [...Array(BUDGET).fill(200), 429];

  it.each([
    ['1', 'one hop'],
    ['127.0.0.1', 'the proxy’s address'],
    ['10.0.0.0/8,127.0.0.0/8', 'the proxies’ CIDRs'],
  ])(
    'with TRUST_PROXY=%s (%s), keys on the address the proxy appended, so spoofing does not escape the limit',
    async (trustProxy) => {
      server = await start(trustProxy);
      expect(await spoofing((index) => `6.6.6.${index}, 203.0.113.7`)).toEqual(limited);
      // Behind the proxy, other clients keep their own budgets (they are not all one address).
      expect(await request('6.6.6.6, 203.0.113.8')).toBe(200);
      expect(await request('203.0.113.9')).toBe(200);
    },
  );

  it('with TRUST_PROXY=2 (two proxies in a chain), keys on the address the outer proxy appended', async () => {
    server = await start('2');
    // The outer proxy appended 198.51.100.1 (the client), the inner one 10.0.0.2 (the outer proxy).
    expect(await spoofing((index) => `6.6.6.${index}, 198.51.100.1, 10.0.0.2`)).toEqual(limited);
    expect(await request('6.6.6.6, 198.51.100.2, 10.0.0.2')).toBe(200);
  });

  it('with TRUST_PROXY=false, ignores X-Forwarded-For entirely and keys on the TCP peer', async () => {
    server = await start('false');
    expect(await spoofing((index) => `6.6.6.${index}, 203.0.113.${index}`)).toEqual(limited);
  });

  it('with proxy addresses that do not include the TCP peer, ignores X-Forwarded-For from it', async () => {
    server = await start('10.0.0.0/8');
    expect(await spoofing((index) => `6.6.6.${index}, 203.0.113.${index}`)).toEqual(limited);
  });

  it('refuses to start with TRUST_PROXY=true, naming the variable and what to write instead', async () => {
    // Refused while reading the configuration, before anything is opened or created.
    await expect(startServer({ TRUST_PROXY: 'true', LOG_LEVEL: 'silent' })).rejects.toThrow(
      /TRUST_PROXY: true would trust every X-Forwarded-For.*e\.g\. 1 for one load balancer/,
    );
  });
});
