import { z } from 'zod';
import { describeIssues } from '../errors.js';
import { MAX_MESSAGE_CHARS, normalizeOrigin } from '../protocol/index.js';
import { requireSpotifyCompanions, spotifySettingsShape } from '../spotify/index.js';
import { trustProxySchema } from './trust-proxy.js';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

/** Every setting is an environment variable with a default that works on a fresh machine. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: human-readable on a terminal, JSON lines otherwise.
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  // The secret before a rotation: tokens it signed still verify (until they expire); new ones use JWT_SECRET.
  JWT_SECRET_PREVIOUS: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  TOKEN_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24 * 30),
  // A token that expired at most this long ago may still be exchanged at POST /api/v1/auth/refresh.
  TOKEN_REFRESH_GRACE_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24 * 7),
  // How long a socket told auth:expired may still send auth:refresh before it is disconnected.
  AUTH_EXPIRED_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  CORS_ORIGINS: z.string().default('*'),
  // Other sites' pages that may call /api/v1 with a listener's token (comma-separated); none by default.
  API_CORS_ORIGINS: z
    .string()
    .default('')
    .refine(
      (list) =>
        list.split(',').every((entry) => entry.trim() === '' || normalizeOrigin(entry.trim()) !== null),
      'each entry must be an origin such as https://example.com',
    ),
  // Bearer token of /api/v1/admin (site keys); unset, those routes answer 404 saying how to enable them.
  ADMIN_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // Bearer token a Prometheus scrape of /metrics must send; unset, /metrics is open (HOST decides who reaches it).
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),

  MONGODB_URI: optionalString,
  MONGODB_DB: optionalString,
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  MONGODB_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  REDIS_URL: optionalString,
  REDIS_ADAPTER: z.enum(['streams', 'pubsub']).default('streams'),
  TURN_LEASE_MS: z.coerce.number().int().min(1_000).max(300_000).default(10_000),

  RECOMMENDATION_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // The largest file of a listening-history upload (a whole Spotify export ZIP is one file).
  IMPORT_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_240).default(1024),
  // How often a running import reports progress; 0 reports every batch of 1,000 plays.
  IMPORT_PROGRESS_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),

  PROVIDERS_FILE: optionalString,
  ROUTER_POLICY: z.string().min(1).default('balanced'),
  BUDGET_USD_PER_DAY: z.coerce.number().min(0).optional(),
  // Each provider's own variables (OPENAI_API_KEY, …) are read by its definition: src/providers/.

  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  /** The window the per-minute limits count over; shorter only where a test must see a limit lift. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  RATE_LIMIT_SESSIONS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  // Open sockets at once: per client IP (behind TRUST_PROXY, the forwarded one) and per listener.
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(200),
  MAX_CONNECTIONS_PER_LISTENER: z.coerce.number().int().min(1).default(30),
  // The largest socket event answered; the transport closes connections sending over 16 times this.
  SOCKET_EVENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  // A REST body over this is refused (payload_too_large); uploads have IMPORT_MAX_UPLOAD_MB instead.
  REST_BODY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  // Longest chat message; the protocol's own ceiling is MAX_MESSAGE_CHARS.
  MESSAGE_MAX_CHARS: z.coerce.number().int().min(1).max(MAX_MESSAGE_CHARS).default(MAX_MESSAGE_CHARS),
  TURN_QUEUE_DEPTH: z.coerce.number().int().min(0).max(20).default(3),
  DELTA_COALESCE_MS: z.coerce.number().int().min(0).max(1000).default(30),
  DELTA_FRAMES_PER_SECOND: z.coerce.number().int().min(0).default(2000),
  DISCONNECT_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  // false, a hop count or proxy addresses/CIDRs; `true` is refused (anyone could spoof X-Forwarded-For).
  TRUST_PROXY: trustProxySchema,
  SERVE_CLIENT: boolean.default(true),
  // Spotify sign-in, recently-played sync and playlist export; off without SPOTIFY_CLIENT_ID (docs/spotify.md).
  ...spotifySettingsShape,
});

export type Config = z.infer<typeof configSchema>;

/** The checks that span several variables. */
const checkedConfigSchema = configSchema.superRefine(requireSpotifyCompanions);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment once; a bad value stops start-up with the variable's name and the problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = checkedConfigSchema.safeParse(env);
  if (!result.success) throw new ConfigError(`Invalid configuration: ${describeIssues(result.error.issues)}`);
  return result.data;
}
