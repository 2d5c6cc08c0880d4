import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const API_DOCS_PATH = '/api/v1/docs';

/** The contract's version: it changes when /api/v1 does, not with every build. */
const API_VERSION = '1.0.0';

/**
 * The OpenAPI document, generated from the routes' zod schemas. Registered before any route: the
 * document is collected as routes are added.
 */
export async function registerApiDocument(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'EchoTune API',
        version: API_VERSION,
        description:
          'REST side of EchoTune; chat turns run over Socket.io (namespace /chat, see docs/protocol.md). ' +
          'Every failure answers `{ error: { code, message, retryable } }`.',
      },
      components: {
        securitySchemes: {
          listenerToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A listener token from POST /api/v1/auth/guest (or the Spotify sign-in)',
          },
          adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, when set' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => withoutUnusedSchemas(jsonSchemaTransformObject(document)),
  });
}

interface SchemaHolder {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

/**
 * The zod registry holds every named schema twice (as input and as output); keep only the components
 * the paths reach, so the document lists what the API really takes and answers.
 */
function withoutUnusedSchemas<D extends object>(document: D): D {
  const { paths, components } = document as SchemaHolder;
  const schemas = components?.schemas ?? {};
  const reached = new Set<string>();
  const pending = referencedSchemas(paths);
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (reached.has(name)) continue;
    reached.add(name);
    pending.push(...referencedSchemas(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}

const SCHEMA_REF = /"#\/components\/schemas\/([^"]+)"/g;

function referencedSchemas(part: unknown): string[] {
  return [...JSON.stringify(part ?? null).matchAll(SCHEMA_REF)].map((match) => match[1] ?? '');
}

/**
 * `/api/v1/openapi.json` and a browsable page at `/api/v1/docs`. Swagger UI styles its widgets inline,
 * so its pages, and only they, allow inline styles; scripts stay `'self'`.
 */
export async function registerApiDocsPages(app: FastifyInstance): Promise<void> {
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PATH,
    uiConfig: { url: OPENAPI_PATH, docExpansion: 'list', deepLinking: false },
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });
}
