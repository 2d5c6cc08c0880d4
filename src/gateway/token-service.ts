import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
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

/** A verified token's claims and when it stops being valid. */
export interface VerifiedToken extends TokenClaims {
  expiresAtMs: number;
}

/**
 * Signs and verifies listener tokens (HS256 JWTs via jose). During a secret rotation the previous
 * secret still verifies the tokens it signed; every new token is signed with the current one.
 */
export class TokenService {
  private readonly keys: Uint8Array[];

  constructor(
    secrets: string | { current: string; previous?: string | undefined },
    private readonly ttlHours: number,
  ) {
    const { current, previous } = typeof secrets === 'string' ? { current: secrets } : secrets;
    const encode = (secret: string) => new TextEncoder().encode(secret);
    this.keys = previous === undefined ? [encode(current)] : [encode(current), encode(previous)];
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
      .sign(this.keys[0] as Uint8Array);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  verify(token: unknown): Promise<VerifiedToken> {
    return this.#verify(token, 0);
  }

  /** For a refresh: a token of ours that expired at most `graceSeconds` ago still names its listener. */
  verifyForRefresh(token: unknown, graceSeconds: number): Promise<VerifiedToken> {
    return this.#verify(token, graceSeconds);
  }

  async #verify(token: unknown, clockTolerance: number): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new EchoError('unauthorized', 'A token is required: get one from POST /api/v1/auth/guest');
    }
    let failure: unknown;
    for (const key of this.keys) {
      try {
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          algorithms: ['HS256'],
          clockTolerance,
        });
        return toVerified(payload);
      } catch (error) {
        if (error instanceof EchoError) throw error;
        // An expired token is expired under either secret; only a bad signature tries the next one.
        if (error instanceof joseErrors.JWTExpired) {
          throw new EchoError('unauthorized', 'The token has expired', { cause: error });
        }
        failure = error;
      }
    }
    throw new EchoError('unauthorized', 'The token is not valid', { cause: failure });
  }
}

function toVerified(payload: JWTPayload): VerifiedToken {
  if (!payload.sub) throw new EchoError('unauthorized', 'The token names no listener');
  if (payload.exp === undefined) throw new EchoError('unauthorized', 'The token has no expiry');
  const verified: VerifiedToken = {
    userId: payload.sub,
    kind: payload.kind === 'spotify' ? 'spotify' : 'guest',
    expiresAtMs: payload.exp * 1000,
  };
  // Signed by us, so a site key claim is one we put there; anything else in it is not a key.
  if (payload.siteKey !== undefined) verified.siteKey = siteKeySchema.parse(payload.siteKey);
  return verified;
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
