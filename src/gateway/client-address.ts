import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';
import type { TrustProxy } from '../config/index.js';

/**
 * The client's address for a raw request (a socket's handshake), trusting X-Forwarded-For exactly as
 * far as Fastify does for REST (TRUST_PROXY), so both count one client alike.
 */
export function clientAddressOf(trustProxy: TrustProxy): (request: IncomingMessage) => string {
  if (trustProxy === false) return (request) => request.socket.remoteAddress ?? 'unknown';
  const trust = Array.isArray(trustProxy) ? proxyaddr.compile(trustProxy) : trustProxy;
  return (request) => proxyaddr(request, trust);
}
