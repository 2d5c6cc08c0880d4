import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EchoError } from '../errors.js';
import { decodeEncryptionKey, encryptionKeyBytes } from './encryption-keys.js';

const keyFile = 'encryption-key';

/**
 * ENCRYPTION_KEY when set (required when several instances share a store: each must read what another
 * wrote); otherwise a key generated once and kept in the data directory, so tokens survive restarts.
 */
export function resolveEncryptionKey(configured: Buffer | undefined, dataDir: string): Buffer {
  if (configured !== undefined) return configured;
  const path = join(dataDir, keyFile);
  if (existsSync(path)) {
    const key = decodeEncryptionKey(readFileSync(path, 'utf8'));
    if (key === null) {
      throw new EchoError(
        'internal',
        `${path} does not hold a ${encryptionKeyBytes}-byte key; restore it or set ENCRYPTION_KEY`,
      );
    }
    return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(encryptionKeyBytes);
  writeFileSync(path, key.toString('base64'), { mode: 0o600 });
  return key;
}
