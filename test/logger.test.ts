import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../src/logger.js';

/** A destination that keeps what is written; `isTTY` makes it look like a terminal. */
function capture(isTTY = false) {
  const written: string[] = [];
  const destination = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    }),
    { isTTY },
  );
  return { destination, text: () => written.join('') };
}

function logOnce(options: LoggerOptions, write: (logger: ReturnType<typeof createLogger>) => void) {
  const out = capture();
  write(createLogger('info', out.destination, { format: 'json', ...options }));
  return out.text();
}

/** pino-pretty formats in a stream of its own: its output arrives a moment later. */
async function eventually(read: () => string): Promise<string> {
  for (let tries = 0; tries < 100 && read() === ''; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return read();
}

describe('createLogger', () => {
  it('replaces the fields that carry secrets (the common ones also one level down)', () => {
    const text = logOnce({}, (logger) =>
      logger.info(
        {
          token: 'top-level-token',
          headers: { authorization: 'Bearer header-token', cookie: 'session=cookie-value' },
          access_token: 'spotify-access',
          refresh_token: 'spotify-refresh',
          deployment: { apiKey: 'provider-key', model: 'gpt-4o-mini' },
          password: 'hunter2-password',
        },
        'configured',
      ),
    );
    for (const secret of [
      'top-level-token',
      'header-token',
      'cookie-value',
      'spotify-access',
      'spotify-refresh',
      'provider-key',
      'hunter2-password',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text)).toMatchObject({
      token: '[redacted]',
      headers: { authorization: '[redacted]' },
      deployment: { apiKey: '[redacted]', model: 'gpt-4o-mini' },
      msg: 'configured',
    });
  });

  it('cuts the given secret values and signed tokens wherever they appear, messages and errors included', () => {
    const key = 'sk-live+("quoted")\\key.0123';
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsaXN0ZW5lciJ9.c2lnbmF0dXJlLXZhbHVl';
    const text = logOnce({ secrets: [key, 'short'] }, (logger) => {
      logger.error({ err: new Error(`upstream refused ${key}`) }, `failed with ${key}`);
      logger.warn({ detail: `Bearer ${jwt}` }, 'bad token');
      logger.info('a short value stays: short');
    });
    expect(text).not.toContain(JSON.stringify(key).slice(1, -1));
    expect(text).not.toContain(jwt);
    const [failed, bad, kept] = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(failed.msg).toBe('failed with [redacted]');
    expect(failed.err.message).toBe('upstream refused [redacted]');
    expect(bad.detail).toBe('Bearer [redacted]');
    expect(kept.msg).toBe('a short value stays: short');
  });

  it('writes JSON lines to anything but a terminal, unless told pretty', async () => {
    const plain = capture();
    createLogger('info', plain.destination).info({ sessionId: 's1' }, 'hello');
    expect(JSON.parse(plain.text())).toMatchObject({ msg: 'hello', sessionId: 's1' });

    const forced = capture();
    createLogger('info', forced.destination, { format: 'pretty' }).info({ sessionId: 's1' }, 'hello');
    const readable = await eventually(forced.text);
    expect(() => JSON.parse(readable)).toThrow();
    expect(readable).toMatch(/INFO.*hello/);
    expect(readable).toContain('sessionId: "s1"');
  });

  it('is human-readable on a terminal (auto), and JSON there when told json', async () => {
    const terminal = capture(true);
    createLogger('info', terminal.destination).info('on a terminal');
    expect(await eventually(terminal.text)).toMatch(/INFO.*on a terminal/);

    const collected = capture(true);
    createLogger('info', collected.destination, { format: 'json' }).info('collected');
    expect(JSON.parse(collected.text())).toMatchObject({ msg: 'collected' });
  });
});
