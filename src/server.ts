import { pathToFileURL } from 'node:url';
import { ChatService, offlineListeningStatsTool, offlineRecommendTool } from './chat/index.js';
import { type Config, ConfigError, loadConfig, secretValues } from './config/index.js';
import { createGateway, type ServedRoute } from './gateway/index.js';
import { HistoryImports } from './listening/index.js';
import { createLogger, type DestinationStream } from './logger.js';
import { createServiceMetrics } from './metrics/index.js';
import { createProviders } from './providers/index.js';
import { createRecommender, loadCatalog, timedRecommender } from './recommend/index.js';
import { createSharedState } from './shared-state/index.js';
import { createSpotify } from './spotify/index.js';
import { createStore, startExpirySweeper, timedStore } from './store/index.js';

export interface RunningServer {
  url: string;
  port: number;
  config: Config;
  /** How many tracks the engine serves, and whether they are the bundled few (no catalog imported). */
  catalog: { tracks: number; bundled: boolean };
  /** Every method and path pattern the instance answers (the API document and the fuzz tests walk them). */
  routes: readonly ServedRoute[];
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 10 * 60_000;
const bundledIdPrefix = 'echotune:';
/** The public TidyTuesday Spotify songs (28,356 tracks with Spotify's measured audio features). */
const tidyTuesdayCsvUrl =
  'https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/data/2020/2020-01-21/spotify_songs.csv';

/**
 * The composition root: config → store → catalog → shared state → providers → chat → gateway. Nothing
 * else wires.
 */
export async function startServer(
  env: Record<string, string | undefined> = process.env,
  options: { logDestination?: DestinationStream } = {},
): Promise<RunningServer> {
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL, options.logDestination, {
    format: config.LOG_FORMAT,
    secrets: secretValues(env),
  });
  const metrics = createServiceMetrics();
  const store = timedStore(await createStore({ config, logger: log }), metrics.store);
  const sweeper = startExpirySweeper(store, { intervalMs: SWEEP_INTERVAL_MS, logger: log });
  const tracks = await loadCatalog(store, log);
  const recommender = timedRecommender(createRecommender({ tracks, store, logger: log }), metrics.recommend);
  const shared = await createSharedState({
    redisUrl: config.REDIS_URL,
    adapter: config.REDIS_ADAPTER,
    turnLeaseMs: config.TURN_LEASE_MS,
    logger: log,
  });
  const providers = createProviders({
    config,
    logger: log,
    env,
    health: shared.providerHealth,
    offlineTool: offlineRecommendTool((text, conversation) => recommender.understand(text, conversation)),
    offlineAnswerTools: [offlineListeningStatsTool()],
    routerMetrics: metrics.router,
  });
  const { router } = providers;
  metrics.watchCircuits(() => router.status());
  const chat = new ChatService({
    store,
    leases: shared.turnLeases,
    router,
    recommender,
    logger: log,
    metrics: metrics.turns,
    settings: {
      coalesceMs: config.DELTA_COALESCE_MS,
      deltaFramesPerSecond: config.DELTA_FRAMES_PER_SECOND,
      recommendationTtlDays: config.RECOMMENDATION_TTL_DAYS,
      maxSteps: 3,
      queueDepth: config.TURN_QUEUE_DEPTH,
      budgetUsdPerDay: config.BUDGET_USD_PER_DAY,
    },
  });
  metrics.watchTurns(() => chat.runningTurns);
  const imports = new HistoryImports({
    store,
    recommender,
    logger: log,
    limits: { maxInputBytes: config.IMPORT_MAX_UPLOAD_MB * 1024 * 1024 },
    progressIntervalMs: config.IMPORT_PROGRESS_INTERVAL_MS,
    metrics: metrics.imports,
  });
  const spotify = createSpotify({ config, store, recommender, logger: log });
  await shared.announce(store.location);
  const gateway = await createGateway({
    config,
    logger: log,
    store,
    chat,
    recommender,
    router,
    imports,
    shared,
    spotify,
    metrics: metrics.gateway,
  });
  await gateway.app.listen({ port: config.PORT, host: config.HOST });
  // Turns an instance that is gone (or this one, before a restart) left unfinished.
  chat.startRecovery(gateway.sink);
  spotify?.sync.start();
  const address = gateway.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  return {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    config,
    catalog: {
      tracks: tracks.length,
      bundled: tracks.every((track) => track.id.startsWith(bundledIdPrefix)),
    },
    routes: gateway.routes,
    async close() {
      gateway.startDraining();
      await chat.finish(config.SHUTDOWN_GRACE_MS);
      await imports.close();
      sweeper.stop();
      await spotify?.sync.stop();
      await gateway.close();
      await providers.close();
      await shared.close();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  let server: RunningServer;
  try {
    server = await startServer();
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : String(error);
    console.error(`EchoTune could not start: ${message}`);
    process.exit(1);
  }
  console.log(`EchoTune is listening: open ${server.url} in your browser`);
  if (server.catalog.bundled) {
    console.log(
      `Recommending from the bundled ${server.catalog.tracks} tracks (audio features estimated). For 28,356 tracks ` +
        `with measured features, stop the server and run:\n  npm run catalog:import -- ${tidyTuesdayCsvUrl}`,
    );
  }
  const shutdown = (signal: string) => {
    console.log(`${signal} received, shutting down`);
    // Past the turns' grace, the rest of the shutdown has this long before the process gives up.
    const force = setTimeout(() => process.exit(1), server.config.SHUTDOWN_GRACE_MS + 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
