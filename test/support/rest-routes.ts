/**
 * Every REST route the server registers (with SERVE_CLIENT=false), by Fastify pattern, but for the
 * docs page's own files (`documentationPage`: static, the same for everyone). The fuzz suite drives
 * each of them and the authorization matrix checks this list against the routes the server registers
 * (`server.routes`), so a new route without a row here fails a test.
 */
export const restRoutes = [
  { method: 'GET', url: '/health', access: 'public' },
  { method: 'GET', url: '/ready', access: 'public' },
  { method: 'GET', url: '/metrics', access: 'metrics' },
  { method: 'GET', url: '/api/v1/openapi.json', access: 'public' },
  { method: 'OPTIONS', url: '*', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/guest', access: 'public' },
  { method: 'POST', url: '/api/v1/auth/refresh', access: 'listener' },
  { method: 'GET', url: '/api/v1/spotify/callback', access: 'public' },
  { method: 'POST', url: '/api/v1/admin/site-keys', access: 'admin' },
  { method: 'GET', url: '/api/v1/admin/site-keys', access: 'admin' },
  { method: 'DELETE', url: '/api/v1/admin/site-keys/:key', access: 'admin' },
  { method: 'GET', url: '/api/v1/sessions', access: 'listener' },
  { method: 'PATCH', url: '/api/v1/sessions/:id', access: 'listener' },
  { method: 'DELETE', url: '/api/v1/sessions/:id', access: 'listener' },
  { method: 'GET', url: '/api/v1/sessions/:id/messages', access: 'listener' },
  { method: 'POST', url: '/api/v1/recommend', access: 'listener' },
  { method: 'GET', url: '/api/v1/providers', access: 'listener' },
  { method: 'GET', url: '/api/v1/stats', access: 'listener' },
  { method: 'POST', url: '/api/v1/imports', access: 'listener' },
  { method: 'GET', url: '/api/v1/imports/:id', access: 'listener' },
  { method: 'POST', url: '/api/v1/spotify/sign-in', access: 'listener' },
  { method: 'GET', url: '/api/v1/spotify/status', access: 'listener' },
  { method: 'POST', url: '/api/v1/spotify/sign-out', access: 'listener' },
  { method: 'POST', url: '/api/v1/recommendations/:id/playlist', access: 'listener' },
] as const satisfies readonly RestRoute[];

export interface RestRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'OPTIONS';
  /** The Fastify pattern: `:name` is a path parameter, `*` any path. */
  url: string;
  /** Which credential the route takes: none, a listener's bearer token, ADMIN_TOKEN or METRICS_TOKEN. */
  access: 'public' | 'listener' | 'admin' | 'metrics';
}

export type RouteKey = `${(typeof restRoutes)[number]['method']} ${(typeof restRoutes)[number]['url']}`;

/** Swagger UI's page and files under /api/v1/docs: no listener data, left out of the table. */
export const documentationPage = /^\/api\/v1\/docs(\/|$)/;

/** The routes a server registered, as the table names them: no HEAD (Fastify adds one to each GET), no docs page. */
export function servedRoutes(server: { routes: readonly { method: string; url: string }[] }): string[] {
  const served = server.routes.filter(
    (route) => route.method !== 'HEAD' && !documentationPage.test(route.url),
  );
  return [...new Set(served.map(routeKey))].sort();
}

export function routeKey(route: { method: string; url: string }): string {
  return `${route.method} ${route.url}`;
}

/** The pattern with each `:name` replaced (percent-encoded) and `*` by `rest`. */
export function fillPath(url: string, values: Record<string, string>, rest = 'anything'): string {
  if (url === '*') return `/${rest}`;
  return url
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part;
      return encodeURIComponent(values[part.slice(1)] ?? 'x');
    })
    .join('/');
}
