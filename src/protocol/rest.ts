import { z } from 'zod';
import { siteKeySchema } from './site-keys.js';

/** REST query strings and bodies under /api/v1, shared with the client. */

export const pageQuerySchema = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const messagesQuerySchema = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null when this page is the last. */
  nextCursor: string | null;
}

/** PATCH /api/v1/sessions/:id */
export const sessionPatchSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

/**
 * POST /api/v1/auth/guest. A widget names its site key; the server then requires the request's Origin
 * to be one the key allows, and the token it issues is scoped to that key.
 */
export const guestTokenBodySchema = z.strictObject({
  displayName: z.string().trim().min(1).max(80).optional(),
  siteKey: siteKeySchema.optional(),
});

export interface GuestTokenResponse {
  token: string;
  userId: string;
  expiresAt: string;
  /** Set when the token was issued through a site key (a widget). */
  siteKey?: string;
}

/** GET /api/v1/spotify/status */
export interface SpotifyStatus {
  linked: boolean;
  displayName: string | null;
  /** When the last sync of recently played began. */
  lastSyncAt: string | null;
}
