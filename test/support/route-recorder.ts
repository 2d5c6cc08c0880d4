import type * as FastifyModule from 'fastify';

/** Every route (method, pattern) the Fastify instances of this test process registered, HEAD aside. */
export const recordedRoutes: Array<{ method: string; url: string }> = [];

/**
 * The fastify module with its factory wrapped: each instance records its routes through an onRoute
 * hook (children inherit it), so a test sees exactly what the server registered. For `vi.mock('fastify')`.
 */
export function recordingFastify(original: typeof FastifyModule): typeof FastifyModule {
  const create = ((options?: FastifyModule.FastifyServerOptions) => {
    const app = original.default(options);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // Fastify adds a HEAD route to each GET by itself.
      for (const method of methods) if (method !== 'HEAD') recordedRoutes.push({ method, url: route.url });
    });
    return app;
  }) as unknown as typeof FastifyModule.default;
  return { ...original, default: create, fastify: create };
}
