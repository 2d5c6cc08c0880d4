import { z } from 'zod';

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

export interface GuestTokenResponse {
  token: string;
  userId: string;
  expiresAt: string;
}
