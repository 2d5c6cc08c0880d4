import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EchoError, errorCatalog, toEchoError } from '../src/errors.js';
import { errorCodes } from '../src/protocol/index.js';
import { repoRoot } from './support/environment.js';

describe('error catalog', () => {
  it('documents every code with its HTTP status in the README', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const code of errorCodes) {
      expect(readme, code).toContain(`| \`${code}\` | ${errorCatalog[code].status} |`);
    }
  });

  it('wraps foreign errors as internal, keeping the cause', () => {
    const cause = new Error('socket hang up');
    const wrapped = toEchoError(cause);
    expect(wrapped).toBeInstanceOf(EchoError);
    expect(wrapped.code).toBe('internal');
    expect(wrapped.cause).toBe(cause);
    expect(wrapped.toPayload()).toEqual({ code: 'internal', message: 'Internal error', retryable: false });
  });
});
