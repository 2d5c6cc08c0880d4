import { randomBytes } from 'node:crypto';
import { invalid } from '../errors.js';
import { siteKeyCreateBodySchema } from '../protocol/index.js';
import type { NewSiteKey, SiteKey } from './records.js';
import { nowIso } from './time.js';

/** 24 random bytes: 192 bits, 32 base64url characters after the prefix. */
const KEY_BYTES = 24;

/**
 * A fresh site key, its name and origins validated and the origins normalized (so both adapters store
 * the same and every caller, CLI or REST, gets the same errors naming the field).
 */
export function newSiteKey(input: NewSiteKey): SiteKey {
  const parsed = siteKeyCreateBodySchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues);
  return {
    key: `pk_${randomBytes(KEY_BYTES).toString('base64url')}`,
    name: parsed.data.name,
    origins: parsed.data.origins,
    createdAt: nowIso(),
    revokedAt: null,
  };
}
