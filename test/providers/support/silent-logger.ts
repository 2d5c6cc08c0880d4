import { createLogger, type Logger } from '../../../src/logger.js';

export function silentLogger(): Logger {
  return createLogger('silent');
}
