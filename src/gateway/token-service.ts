import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { EchoError } from '../errors.js';
import { siteKeySchema } from '../protocol/index.js';

const ISSUER = 'echotune';
const SECRET_FILE = 'jwt-secret';

export interface TokenClaims {
  userId: string;
  kind: 'guest' | 'spotify';
  /** The site key the token was issued through (the embeddable widget); the token is scoped to it. */
  siteKey?: string;
}

/** Signs and verifies listener tokens (HS256 JWTs via jose). */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlHours: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: TokenClaims): Promise<{ token: string; expiresAt: string }> {
    const expiresAt = new Date(Date.now() + this.ttlHours * 3_600_000);
    const payload =
      claims.siteKey === undefined ? { kind: claims.kind } : { kind: claims.kind, siteKey: claims.siteKey };
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  async verify(token: unknown): Promise<TokenClaims> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new EchoError('unauthorized', 'A token is required: get one from POST /api/v1/auth/guest');
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (!payload.sub) throw new EchoError('unauthorized', 'The token names no listener');
      const claims: TokenClaims = {
        userId: payload.sub,
        kind: payload.kind === 'spotify' ? 'spotify' : 'guest',
      };
      // Signed by us, so a site key claim is one we put there; anything else in it is not a key.
      if (payload.siteKey !== undefined) claims.siteKey = siteKeySchema.parse(payload.siteKey);
      return claims;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new EchoError('unauthorized', 'The token has expired', { cause: error });
      }
      throw new EchoError('unauthorized', 'The token is not valid', { cause: error });
    }
  }
}

/**
 * JWT_SECRET when set (required when several instances share tokens); otherwise a secret generated once
 * and kept in the data directory so tokens survive restarts.
 */
export function resolveTokenSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const path = join(dataDir, SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}
