import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenCipher, resolveEncryptionKey } from '../../src/spotify/index.js';

describe('resolveEncryptionKey', () => {
  let directory = '';
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('uses ENCRYPTION_KEY when set, and writes nothing', () => {
    directory = mkdtempSync(join(tmpdir(), 'echotune-key-'));
    const configured = randomBytes(32);
    expect(resolveEncryptionKey(configured, directory).equals(configured)).toBe(true);
    expect(() => statSync(join(directory, 'encryption-key'))).toThrow();
  });

  it('generates a key once into DATA_DIR (owner-only) and reads the same key after a restart', () => {
    directory = join(mkdtempSync(join(tmpdir(), 'echotune-key-')), 'nested');
    const first = resolveEncryptionKey(undefined, directory);
    expect(first).toHaveLength(32);
    expect(statSync(join(directory, 'encryption-key')).mode & 0o777).toBe(0o600);
    const again = resolveEncryptionKey(undefined, directory);
    expect(again.equals(first)).toBe(true);
    const sealed = createTokenCipher({ current: first }).encrypt('token', 'sp1');
    expect(createTokenCipher({ current: again }).decrypt(sealed, 'sp1')).toBe('token');
    expect(readFileSync(join(directory, 'encryption-key'), 'utf8')).toBe(first.toString('base64'));
  });

  it('refuses a damaged key file rather than replacing it (that would orphan every stored token)', () => {
    directory = mkdtempSync(join(tmpdir(), 'echotune-key-'));
    writeFileSync(join(directory, 'encryption-key'), 'not a key');
    expect(() => resolveEncryptionKey(undefined, directory)).toThrow(
      /encryption-key does not hold a 32-byte key/,
    );
  });
});
