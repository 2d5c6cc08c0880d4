import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EchoError } from '../errors.js';
import { encryptionKeyBytes, encryptionKeyId } from './encryption-keys.js';

/** Bumped if the layout below ever changes, so old values are still told apart. */
const formatVersion = 'v1';
const ivBytes = 12;
const tagBytes = 16;
const layout = 'v1.<key id>.<iv>.<tag>.<ciphertext>';

export interface TokenCipherKeys {
  /** New values are encrypted under this key. */
  current: Uint8Array;
  /** Older keys: values written under them still decrypt, and `needsReencryption` says so. */
  previous?: readonly Uint8Array[];
}

/**
 * Encrypts tokens at rest with AES-256-GCM. Each value is `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url
 * parts, a fresh 12-byte IV each time). The optional context (the listener's id) is authenticated but not
 * stored, so a value copied onto another listener's row does not decrypt.
 */
export interface TokenCipher {
  /** The id of the current key (what new values carry). */
  readonly currentKeyId: string;
  encrypt(plain: string, context?: string): string;
  /** Throws `unauthorized` when the value is malformed, under an unknown key, tampered with or for another context. */
  decrypt(text: string, context?: string): string;
  /** True when the value was written under an older key and should be re-encrypted and stored again. */
  needsReencryption(text: string): boolean;
  /** Decrypts and encrypts again under the current key (same context). */
  reencrypt(text: string, context?: string): string;
}

interface Sealed {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function createTokenCipher(keys: TokenCipherKeys): TokenCipher {
  const ring = keyRing(keys);
  const currentKeyId = encryptionKeyId(keys.current);
  const cipher: TokenCipher = {
    currentKeyId,
    encrypt: (plain, context = '') => seal(keys.current, currentKeyId, plain, context),
    decrypt: (text, context = '') => {
      const sealed = unpack(text);
      const key = ring.get(sealed.keyId);
      if (key === undefined) {
        throw refused(
          `it was encrypted under key ${sealed.keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_PREVIOUS`,
        );
      }
      return open(key, sealed, context);
    },
    needsReencryption: (text) => unpack(text).keyId !== currentKeyId,
    reencrypt: (text, context) => cipher.encrypt(cipher.decrypt(text, context), context),
  };
  return cipher;
}

function keyRing(keys: TokenCipherKeys): Map<string, Uint8Array> {
  const ring = new Map<string, Uint8Array>();
  for (const key of [keys.current, ...(keys.previous ?? [])]) {
    // A wrong-sized key is a configuration error, caught here even when the schema was bypassed.
    if (key.length !== encryptionKeyBytes) {
      throw new EchoError(
        'internal',
        `An encryption key must be ${encryptionKeyBytes} bytes, not ${key.length}`,
      );
    }
    ring.set(encryptionKeyId(key), key);
  }
  return ring;
}

/** The version and key id are authenticated too, so neither can be swapped without detection. */
function additionalData(keyId: string, context: string): Buffer {
  return Buffer.from(`${formatVersion}.${keyId}.${context}`, 'utf8');
}

function seal(key: Uint8Array, keyId: string, plain: string, context: string): string {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagBytes });
  cipher.setAAD(additionalData(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
  return [formatVersion, keyId, ...parts].join('.');
}

function open(key: Uint8Array, sealed: Sealed, context: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: tagBytes });
  decipher.setAAD(additionalData(sealed.keyId, context));
  decipher.setAuthTag(sealed.tag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw refused('it failed its integrity check (altered, or stored for another listener)', error);
  }
}

const base64url = /^[A-Za-z0-9_-]*$/;

function unpack(text: string): Sealed {
  const parts = text.split('.');
  const [version, keyId, iv, tag, ciphertext] = parts;
  if (parts.length !== 5 || version !== formatVersion || !keyId || iv === undefined || tag === undefined) {
    throw refused(`it is not of the form ${layout}`);
  }
  if (ciphertext === undefined || ![iv, tag, ciphertext].every((part) => base64url.test(part))) {
    throw refused('its parts are not base64url');
  }
  const sealed = {
    keyId,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(ciphertext, 'base64url'),
  };
  if (sealed.iv.length !== ivBytes) throw refused(`its IV is ${sealed.iv.length} bytes, not ${ivBytes}`);
  if (sealed.tag.length !== tagBytes) throw refused(`its tag is ${sealed.tag.length} bytes, not ${tagBytes}`);
  return sealed;
}

/**
 * Unreadable stored tokens leave the listener signed out of Spotify: `unauthorized`, so the caller asks them
 * to sign in again. The message names the problem, never a key or the value.
 */
function refused(problem: string, cause?: unknown): EchoError {
  return new EchoError('unauthorized', `A stored Spotify token cannot be decrypted: ${problem}`, { cause });
}
