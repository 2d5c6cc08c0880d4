import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry secrets; pino replaces them before anything is written. */
const redact = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'auth.token',
  'ADMIN_TOKEN',
  '*.ADMIN_TOKEN',
  'METRICS_TOKEN',
  '*.METRICS_TOKEN',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' } }, destination);
}
