import { z } from 'zod';

/** The Accounts service's answer to POST /api/token, both grants. */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i, 'expected "Bearer"'),
  /** Space-separated; empty when no scope was asked for. */
  scope: z.string().default(''),
  expires_in: z.number().int().positive(),
  /** Always there for authorization_code; for refresh_token only when Spotify rotates it. */
  refresh_token: z.string().min(1).optional(),
});

/** The OAuth error body (RFC 6749 §5.2), e.g. `{"error":"invalid_grant","error_description":"..."}`. */
export const tokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});
