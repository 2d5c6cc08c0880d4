import { createHash } from 'node:crypto';
import { z } from 'zod';

/** AES-256 takes exactly 32 bytes of key. */
export const encryptionKeyBytes = 32;

const hexKey = /^[0-9a-fA-F]{64}$/;
const base64Key = /^[A-Za-z0-9+/_-]{43}=?$/;
const keyFormat = `must be ${encryptionKeyBytes} bytes as 64 hex characters or base64 (openssl rand -base64 32)`;

/** A key as written in the environment, or null when it is not 32 bytes in either form. */
export function decodeEncryptionKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (hexKey.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (!base64Key.test(trimmed)) return null;
  // Node's base64 decoder reads the URL-safe alphabet too.
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === encryptionKeyBytes ? bytes : null;
}

/**
 * A short, stable name for a key, written into each ciphertext so the right key is found after rotation.
 * Hashed with a label so the id is not simply a prefix of sha256(key) that some other system might print.
 */
export function encryptionKeyId(key: Uint8Array): string {
  return createHash('sha256').update('echotune token key id\0').update(key).digest('hex').slice(0, 8);
}

/** ENCRYPTION_KEY: the key new values are encrypted under. */
export const encryptionKeySchema = z.string().transform((text, context) => {
  const key = decodeEncryptionKey(text);
  if (key === null) context.addIssue({ code: 'custom', message: keyFormat });
  return key ?? Buffer.alloc(0);
});

/** ENCRYPTION_KEYS_PREVIOUS: older keys, comma-separated, kept so values written under them still read. */
export const previousEncryptionKeysSchema = z.string().transform((text, context) => {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const keys: Buffer[] = [];
  parts.forEach((part, index) => {
    const key = decodeEncryptionKey(part);
    if (key === null) context.addIssue({ code: 'custom', message: `key ${index + 1}: ${keyFormat}` });
    else keys.push(key);
  });
  return keys;
});
