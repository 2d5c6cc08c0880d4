import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { Server } from 'socket.io';
import type { ChatService, TurnSink } from '../chat/index.js';
import type { Config } from '../config/index.js';
import type { HistoryImports } from '../listening/index.js';
import type { Logger } from '../logger.js';
import type { ModelRouter } from '../providers/index.js';
import type { Recommender } from '../recommend/index.js';
import type { SharedState } from '../shared-state/index.js';
import type { SpotifyService } from '../spotify/index.js';
import type { Store } from '../store/index.js';
import { requireAdminToken } from './admin-auth.js';
import { registerApiDocsPages, registerApiDocument } from './api-docs.js';
import { requireBearerToken } from './authenticate.js';
import { clientAddressOf } from './client-address.js';
import { parseOrigins, registerCors } from './cors.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http-errors.js';
import { rateLimitStoreOver } from './http-rate-limit-store.js';
import { SocketRateLimits } from './rate-limits.js';
import { registerRequestLogging, requestIdOf } from './request-logging.js';
import { registerAdminSiteKeyRoutes } from './routes/admin-site-key-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerClientFiles } from './routes/client-files.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerImportRoutes } from './routes/import-routes.js';
import { registerMetricsRoute } from './routes/metrics-route.js';
import { registerProvidersRoute } from './routes/providers-route.js';
import { registerRecommendRoute } from './routes/recommend-route.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerSpotifyCallback, registerSpotifyRoutes } from './routes/spotify-routes.js';
import { registerStatsRoutes } from './routes/stats-routes.js';
import { useZodSchemas } from './schema-compilers.js';
import { registerSecurityHeaders } from './security-headers.js';
import { SiteKeyAccess } from './site-key-access.js';
import { type ChatServer, registerChatNamespace } from './socket/chat-namespace.js';
import { socketCensus } from './socket/socket-census.js';
import { socketCorsOrigin } from './socket/socket-cors.js';
import { resolveTokenSecret, TokenService } from './token-service.js';

export interface GatewayOptions {
  config: Config;
  logger: Logger;
  store: Store;
  chat: ChatService;
  recommender: Recommender;
  router: ModelRouter;
  imports: HistoryImports;
  /** Rooms and rate limits: per process, or spanning every instance (Redis). */
  shared: Pick<SharedState, 'kind' | 'socketAdapter' | 'rateLimiter' | 'connectionCounter' | 'status'>;
  /** Sign-in with Spotify and playlist export; null (routes say how to enable it) without SPOTIFY_CLIENT_ID. */
  spotify?: { service: SpotifyService; redirectUri: string } | null;
  /** This instance's metrics: socket events are counted into them, `/metrics` serves them. */
  metrics: GatewayMetrics;
}

/** One method on one path pattern (`/api/v1/sessions/:id`), as Fastify registered it. */
export interface ServedRoute {
  method: string;
  url: string;
}

export interface Gateway {
  app: FastifyInstance;
  /** Every route this instance answers, HEAD included: what the API document must account for. */
  routes: readonly ServedRoute[];
  io: ChatServer;
  /** Sends chat's events to session rooms (for turns chat runs on its own, e.g. finishing orphans). */
  sink: TurnSink;
  /** Shutdown begins: /ready answers 503 so the balancer drains, new sockets and messages are refused. */
  startDraining(): void;
  close(): Promise<void>;
}

const TRANSPORT_BUFFER_FACTOR = 16;
const clientDistDirectory = fileURLToPath(new URL('../../client/dist', import.meta.url));

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, logger, store } = options;
  const tokens = new TokenService(
    {
      current: resolveTokenSecret(config.JWT_SECRET, config.DATA_DIR),
      previous: config.JWT_SECRET_PREVIOUS,
    },
    config.TOKEN_TTL_HOURS,
  );
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: requestIdOf,
    // Fastify's info lines per request are off: registerRequestLogging writes one at debug.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    bodyLimit: config.REST_BODY_MAX_BYTES,
    trustProxy: config.TRUST_PROXY,
    frameworkErrors,
    clientErrorHandler,
  });
  const routes: ServedRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  registerRequestLogging(app);
  registerErrorHandling(app);
  useZodSchemas(app);
  await registerApiDocument(app);
  await registerSecurityHeaders(app);
  const { shared } = options;
  const requestsPerMinute = config.RATE_LIMIT_REQUESTS_PER_MINUTE;
  await app.register(fastifyRateLimit, {
    max: requestsPerMinute,
    timeWindow: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    // The limiter already falls back to memory while Redis is away; anything else must not take REST down.
    skipOnError: true,
    store: rateLimitStoreOver(
      shared.rateLimiter({
        keyPrefix: 'http',
        points: requestsPerMinute,
        durationSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      }),
    ),
  });

  const draining = { value: false };
  registerHealthRoutes(app, {
    store,
    shared,
    router: options.router,
    startedAt: Date.now(),
    draining: () => draining.value,
  });
  registerMetricsRoute(app, { metrics: options.metrics, token: config.METRICS_TOKEN });
  const siteKeys = new SiteKeyAccess(store, { logger });
  await registerCors(app, parseOrigins(config.API_CORS_ORIGINS));
  registerAuthRoutes(app, {
    store,
    tokens,
    siteKeys,
    refreshGraceSeconds: config.TOKEN_REFRESH_GRACE_HOURS * 3600,
  });
  const spotify = {
    spotify: options.spotify?.service ?? null,
    redirectUri: options.spotify?.redirectUri ?? null,
  };
  registerSpotifyCallback(app, { ...spotify, tokens });
  await app.register(async (admin) => {
    requireAdminToken(admin, config.ADMIN_TOKEN);
    registerAdminSiteKeyRoutes(admin, { store, siteKeys });
  });
  // Before the REST routes: renaming and deleting a session over REST tell the listener's sockets.
  const io: ChatServer = new Server(app.server, {
    cors: { origin: socketCorsOrigin(config.CORS_ORIGINS, siteKeys, logger) },
    // Over one event's limit is answered (payload_too_large); only far over it does the transport hang up.
    maxHttpBufferSize: config.SOCKET_EVENT_MAX_BYTES * TRANSPORT_BUFFER_FACTOR,
    serveClient: false,
  });
  if (shared.socketAdapter) io.adapter(shared.socketAdapter);
  const { namespace, sink } = registerChatNamespace(io, {
    chat: options.chat,
    tokens,
    siteKeys,
    limits: new SocketRateLimits(
      {
        messagesPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE,
        eventsPerMinute: config.RATE_LIMIT_REQUESTS_PER_MINUTE,
        sessionsPerMinute: config.RATE_LIMIT_SESSIONS_PER_MINUTE,
        connectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
        connectionsPerListener: config.MAX_CONNECTIONS_PER_LISTENER,
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      },
      shared,
    ),
    logger,
    disconnectGraceMs: config.DISCONNECT_GRACE_MS,
    draining: () => draining.value,
    crossInstance: shared.kind !== 'local',
    maxEventBytes: config.SOCKET_EVENT_MAX_BYTES,
    maxMessageChars: config.MESSAGE_MAX_CHARS,
    clientAddress: clientAddressOf(config.TRUST_PROXY),
    authExpiredGraceMs: config.AUTH_EXPIRED_GRACE_MS,
    metrics: options.metrics,
  });
  options.metrics.watchSockets(() => socketCensus(namespace));
  await app.register(async (api) => {
    requireBearerToken(api, tokens, siteKeys);
    registerSessionRoutes(api, { chat: options.chat, sink });
    registerRecommendRoute(api, { recommender: options.recommender });
    registerProvidersRoute(api, { router: options.router });
    registerStatsRoutes(api, { store });
    await registerImportRoutes(api, {
      imports: options.imports,
      sink,
      spoolDirectory: join(config.DATA_DIR, 'uploads'),
      maxFileBytes: config.IMPORT_MAX_UPLOAD_MB * 1024 * 1024,
      maxFiles: 50,
    });
    registerSpotifyRoutes(api, spotify);
  });
  await registerApiDocsPages(app);
  if (config.SERVE_CLIENT && existsSync(clientDistDirectory)) {
    await registerClientFiles(app, clientDistDirectory);
  }

  return {
    app,
    routes,
    io,
    sink,
    startDraining() {
      draining.value = true;
    },
    async close() {
      await io.close();
      await app.close().catch(() => undefined);
    },
  };
}
