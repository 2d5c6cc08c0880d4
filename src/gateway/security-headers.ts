import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * The page's Content-Security-Policy: only EchoTune's own scripts, styles and connections (the socket is
 * same-origin), no inline script, no plugins, not framable. Model output is rendered as text or
 * sanitized markdown, so an injection that slipped through still could not run a script.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'https:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every answer (helmet). No `upgrade-insecure-requests`: a fresh install serves plain
 * HTTP on any host name, and upgrading its own files would break the page; HTTPS belongs to the proxy.
 * Widget files relax Cross-Origin-Resource-Policy where they are served (client-files.ts).
 */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
}
