import { z } from 'zod';

/**
 * Site keys let the embeddable widget run on someone else's site: each key names the origins allowed to
 * use it. The key itself is public (it sits in the host page), which is why the origins are what the
 * server checks.
 */

/** `pk_` and base64url: what the server generates, and all a request may name. */
export const siteKeySchema = z
  .string()
  .regex(/^pk_[A-Za-z0-9_-]{8,64}$/, 'must look like pk_ followed by 8 to 64 letters, digits, - or _');

/**
 * The origin of a URL (scheme://host[:port], lowercase, default port dropped, IDN in punycode), the form
 * browsers send in the Origin header, or null when it is not an http(s) origin.
 */
export function normalizeOrigin(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.origin;
}

/** Why an origin as written is refused, or null when it is a plain http(s) origin. */
function originProblem(value: string): string | null {
  if (value.includes('*')) return 'wildcards are not allowed: list each origin';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'must be an origin like https://shop.example';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    return 'must be an origin only (scheme://host[:port]), without a path, query or fragment';
  }
  return null;
}

/** An allowed origin as an admin writes it, normalized to the Origin header's form. */
export const originSchema = z
  .string()
  .max(300, 'must be at most 300 characters')
  .superRefine((value, context) => {
    const problem = originProblem(value);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  })
  .transform((value) => normalizeOrigin(value) ?? value);

export const MAX_SITE_KEY_ORIGINS = 50;

/** POST /api/v1/admin/site-keys, and what the site-key CLI's create builds. */
export const siteKeyCreateBodySchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  origins: z
    .array(originSchema)
    .min(1, 'must list at least one origin')
    .max(MAX_SITE_KEY_ORIGINS, `must list at most ${MAX_SITE_KEY_ORIGINS} origins`)
    // Duplicates after normalization (https://a.example and https://A.example:443) collapse to one.
    .transform((origins) => [...new Set(origins)]),
});
export type SiteKeyCreateBody = z.infer<typeof siteKeyCreateBodySchema>;

export interface SiteKey {
  key: string;
  name: string;
  /** Normalized origins (scheme://host[:port]) allowed to use the key. */
  origins: string[];
  createdAt: string;
  /** When the key was revoked; a revoked key is refused everywhere. */
  revokedAt: string | null;
}

/** GET /api/v1/admin/site-keys */
export interface SiteKeyListResponse {
  items: SiteKey[];
}
