import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header; empty when there is none. */
export function bearerTokenOf(header: string | undefined): string {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}

/**
 * Compares in constant time; hashing first makes both sides the same length, so not even the secret's
 * length leaks through timing.
 */
export function matchesSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
