import { basename, relative, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Vite's content-hashed file names (name-AbC123xy.js): they never change, so caches may keep them. */
const HASHED = /-[A-Za-z0-9_-]{8}\.(?:js|css)$/;

/**
 * The built client: the chat page at /, and the widget (widget.js and widget/) which other sites load.
 * Widget files are fetched cross-origin (the panel is an ES module, fetched in CORS mode), so they say
 * anyone may read them; they hold no secret. Unhashed entry points revalidate, so a deploy reaches every
 * host page at once.
 */
export async function registerClientFiles(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    cacheControl: false,
    setHeaders(response, path) {
      const file = relative(root, path).split(sep).join('/');
      const isWidget = file === 'widget.js' || file.startsWith('widget/');
      if (isWidget) {
        response.setHeader('Access-Control-Allow-Origin', '*');
        response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      }
      response.setHeader(
        'Cache-Control',
        HASHED.test(basename(path)) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
