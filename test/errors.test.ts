import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { EchoError, errorCatalog, toEchoError } from '../src/errors.js';
import { type ErrorCode, errorCodes } from '../src/protocol/index.js';
import { repoRoot } from './support/environment.js';

/** The rows of README.md's error-code table, as [code, HTTP status]. */
function documentedCodes(): [code: string, status: number][] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('### Error codes');
  expect(start, 'README.md has an "### Error codes" section').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^\| `([^`]+)` \| (\d+) \|/gm)].map((row) => [row[1]!, Number(row[2])]);
}

/**
 * Every code raised in src/: the first argument of each `new EchoError('<code>', …)`, read from the
 * syntax tree, so a code that is only listed (the catalog, a comment, a string) does not count.
 */
function raisedCodes(): Set<string> {
  const root = join(repoRoot, 'src');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const raised = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'EchoError'
    ) {
      const [code] = node.arguments ?? [];
      if (code && ts.isStringLiteralLike(code)) raised.add(code.text);
    }
    ts.forEachChild(node, visit);
  };
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
    visit(source);
  }
  return raised;
}

describe('error catalog', () => {
  it('documents every code with its HTTP status in the README', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const code of errorCodes) {
      expect(readme, code).toContain(`| \`${code}\` | ${errorCatalog[code].status} |`);
    }
  });

  it('has every code the README documents, with the documented status', () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    for (const [code, status] of documented) {
      expect(errorCodes, `README documents ${code}`).toContain(code);
      expect(errorCatalog[code as ErrorCode].status, code).toBe(status);
    }
    expect(documented.map(([code]) => code).sort()).toEqual([...errorCodes].sort());
  });

  it('raises every code somewhere in src/', () => {
    const raised = raisedCodes();
    for (const code of errorCodes) expect(raised.has(code), `nothing in src/ raises ${code}`).toBe(true);
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
