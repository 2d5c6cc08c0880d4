import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

describe('loadConfig', () => {
  it('works with no settings at all, on embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      DATA_DIR: './data',
      ROUTER_POLICY: 'balanced',
      DELTA_COALESCE_MS: 30,
      DELTA_FRAMES_PER_SECOND: 2000,
    });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('names the variable and the problem when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: .*32/);
    expect(() => loadConfig({ DELTA_FRAMES_PER_SECOND: '-5' })).toThrow(/DELTA_FRAMES_PER_SECOND: .*>=0/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', REDIS_URL: '' })).toMatchObject({
      MONGODB_URI: undefined,
      REDIS_URL: undefined,
    });
  });
});
