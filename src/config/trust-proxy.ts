import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * Which peers may set X-Forwarded-For, in the form Fastify's `trustProxy` takes:
 * - `false`: none; the client address is the TCP peer (the default);
 * - a list of proxy addresses/CIDRs: the client address is the rightmost X-Forwarded-For entry that no
 *   listed proxy wrote (Fastify compiles the list with proxy-addr);
 * - a hop count, as a function: the client address is the entry the n-th proxy from the server appended.
 *   Fastify 5.12 ignores a bare number (it cannot tell a proxy from a client that reaches the instance
 *   directly), so the count is a trust function; it is safe only when instances are reachable solely
 *   through the proxies.
 */
export type TrustProxy = false | string[] | TrustedHops;
export type TrustedHops = ((address: string, hop: number) => boolean) & { readonly hops: number };

const MAX_HOPS = 20;
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const WHAT_TO_WRITE =
  'write false, the number of proxies in front (e.g. 1 for one load balancer) or a comma-separated list ' +
  'of their addresses/CIDRs (e.g. 127.0.0.1,10.0.0.0/8)';

export function trustHops(hops: number): TrustedHops {
  // Hop 0 is the TCP peer, hop 1 the entry it appended, and so on: trust the first `hops` of them.
  return Object.assign((_address: string, hop: number) => hop < hops, { hops });
}

/** An IP address, an address with a prefix length (CIDR), or one of proxy-addr's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const trustProxySchema = z
  .string()
  .optional()
  .transform((raw, context): TrustProxy => {
    const value = (raw ?? '').trim().toLowerCase();
    if (value === '' || value === 'false' || value === 'no' || value === '0') return false;
    if (value === 'true' || value === 'yes') {
      context.addIssue({
        code: 'custom',
        message:
          'true would trust every X-Forwarded-For, so any client could claim any address and escape the ' +
          `per-IP rate limit; ${WHAT_TO_WRITE}`,
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(value)) {
      const hops = Number(value);
      if (hops <= MAX_HOPS) return trustHops(hops);
      context.addIssue({
        code: 'custom',
        message: `${value} hops is more than ${MAX_HOPS}; ${WHAT_TO_WRITE}`,
      });
      return z.NEVER;
    }
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.filter((entry) => !isProxyAddress(entry));
    if (bad.length === 0) return entries;
    const named = bad.map((entry) => (entry === '' ? 'an empty entry' : `"${entry}"`)).join(', ');
    context.addIssue({ code: 'custom', message: `${named} is not an IP address or CIDR; ${WHAT_TO_WRITE}` });
    return z.NEVER;
  });
