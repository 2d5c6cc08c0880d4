import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EchoError } from '../../src/errors.js';
import { createTokenCipher, encryptionKeyId } from '../../src/spotify/index.js';

const keyA = randomBytes(32);
const keyB = randomBytes(32);

/** Flips one bit of the decoded bytes of part `index` (2 = IV, 3 = tag, 4 = ciphertext). */
function tamper(text: string, index: number): string {
  const parts = text.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

function refusal(action: () => unknown): EchoError {
  try {
    action();
  } catch (error) {
    if (error instanceof EchoError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('token cipher', () => {
  it('round-trips a token, with a fresh IV each time and the key id in the value', () => {
    const cipher = createTokenCipher({ current: keyA });
    const first = cipher.encrypt('BQD-access-token', 'listener-1');
    const second = cipher.encrypt('BQD-access-token', 'listener-1');
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(first.split('.')[1]).toBe(encryptionKeyId(keyA));
    expect(first).not.toContain('access-token');
    expect(cipher.decrypt(first, 'listener-1')).toBe('BQD-access-token');
    expect(cipher.decrypt(second, 'listener-1')).toBe('BQD-access-token');
  });

  it.each([
    ['IV', 2],
    ['tag', 3],
    ['ciphertext', 4],
  ])('refuses a value whose %s was altered', (_part, index) => {
    const cipher = createTokenCipher({ current: keyA });
    const tampered = tamper(cipher.encrypt('refresh-token', 'listener-1'), index);
    const error = refusal(() => cipher.decrypt(tampered, 'listener-1'));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('failed its integrity check');
  });

  it('refuses a value copied onto another listener (wrong context)', () => {
    const cipher = createTokenCipher({ current: keyA });
    const value = cipher.encrypt('refresh-token', 'listener-1');
    expect(refusal(() => cipher.decrypt(value, 'listener-2')).message).toContain('integrity check');
    expect(refusal(() => cipher.decrypt(value)).message).toContain('integrity check');
  });

  it('refuses malformed values and names what is wrong, never a key', () => {
    const cipher = createTokenCipher({ current: keyA });
    const value = cipher.encrypt('token');
    for (const text of ['', 'plain-token', value.replace(/^v1/, 'v2'), `${value}.extra`]) {
      const error = refusal(() => cipher.decrypt(text));
      expect(error.code).toBe('unauthorized');
      expect(error.message).toContain('v1.<key id>.<iv>.<tag>.<ciphertext>');
    }
    const shortIv = value.split('.');
    shortIv[2] = 'AAAA';
    expect(refusal(() => cipher.decrypt(shortIv.join('.'))).message).toContain('IV is 3 bytes, not 12');
    const message = refusal(() => cipher.decrypt('v1.abc.!!.!!.!!')).message;
    expect(message).toContain('not base64url');
    expect(message).not.toContain(keyA.toString('hex'));
  });

  it('still reads values under an older key after rotation, and re-encrypts them under the new one', () => {
    const before = createTokenCipher({ current: keyA });
    const stored = before.encrypt('refresh-token', 'listener-1');
    expect(before.needsReencryption(stored)).toBe(false);

    const after = createTokenCipher({ current: keyB, previous: [keyA] });
    expect(after.decrypt(stored, 'listener-1')).toBe('refresh-token');
    expect(after.needsReencryption(stored)).toBe(true);

    const rotated = after.reencrypt(stored, 'listener-1');
    expect(rotated.split('.')[1]).toBe(encryptionKeyId(keyB));
    expect(after.needsReencryption(rotated)).toBe(false);
    expect(after.decrypt(rotated, 'listener-1')).toBe('refresh-token');

    // Once the old key is dropped, only re-encrypted values still read.
    const onlyB = createTokenCipher({ current: keyB });
    expect(onlyB.decrypt(rotated, 'listener-1')).toBe('refresh-token');
    const error = refusal(() => onlyB.decrypt(stored, 'listener-1'));
    expect(error.message).toContain(`key ${encryptionKeyId(keyA)}, which is neither ENCRYPTION_KEY nor in`);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createTokenCipher({ current: randomBytes(16) })).toThrow('must be 32 bytes, not 16');
    expect(() => createTokenCipher({ current: keyA, previous: [randomBytes(31)] })).toThrow('not 31');
  });
});
