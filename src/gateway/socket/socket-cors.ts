import type { Logger } from '../../logger.js';
import { normalizeOrigin } from '../../protocol/index.js';
import type { SiteKeyAccess } from '../site-key-access.js';

type OriginCallback = (error: Error | null, allow?: boolean) => void;

/**
 * socket.io's `cors.origin`: CORS_ORIGINS as before (`*` or a comma-separated list), and besides a
 * list, every origin a live site key allows, so the widget's polling transport works on its sites.
 * (WebSocket upgrades ignore CORS; a widget token's origin is checked at the handshake instead.)
 */
export function socketCorsOrigin(
  corsOrigins: string,
  siteKeys: Pick<SiteKeyAccess, 'isWidgetOrigin'>,
  logger: Logger,
): '*' | ((origin: string | undefined, callback: OriginCallback) => void) {
  if (corsOrigins === '*') return '*';
  const configured = new Set(
    corsOrigins
      .split(',')
      .map((origin) => normalizeOrigin(origin))
      .filter((origin) => origin !== null),
  );
  return (origin, callback) => {
    const normalized = origin === undefined ? null : normalizeOrigin(origin);
    if (normalized !== null && configured.has(normalized)) {
      callback(null, true);
      return;
    }
    siteKeys.isWidgetOrigin(origin).then(
      (allowed) => callback(null, allowed),
      (error: unknown) => {
        logger.warn({ err: error, origin }, 'could not read site keys for socket CORS');
        callback(null, false);
      },
    );
  };
}
