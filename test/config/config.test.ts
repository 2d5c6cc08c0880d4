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

  it('takes LOG_FORMAT auto (the default), json or pretty, and names it when it is anything else', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT/);
  });

  it('takes an optional ADMIN_TOKEN of at least 16 characters', () => {
    expect(loadConfig({}).ADMIN_TOKEN).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: 'a-long-enough-admin-token' }).ADMIN_TOKEN).toBe(
      'a-long-enough-admin-token',
    );
    expect(() => loadConfig({ ADMIN_TOKEN: 'too-short' })).toThrow(
      /ADMIN_TOKEN: must be at least 16 characters/,
    );
  });

  it('takes an optional METRICS_TOKEN of at least 16 characters', () => {
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-scrape-token' }).METRICS_TOKEN).toBe(
      'a-long-enough-scrape-token',
    );
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters/,
    );
  });

  it('has Spotify off by default, and needs its redirect URI (not a key) once SPOTIFY_CLIENT_ID is set', () => {
    const off = loadConfig({});
    expect(off.SPOTIFY_CLIENT_ID).toBeUndefined();
    expect(off.SPOTIFY_SYNC_INTERVAL_MINUTES).toBe(30);
    expect(() => loadConfig({ SPOTIFY_CLIENT_ID: 'client' })).toThrow(
      /SPOTIFY_REDIRECT_URI: required when SPOTIFY_CLIENT_ID is set/,
    );
    const config = loadConfig({
      SPOTIFY_CLIENT_ID: 'client',
      SPOTIFY_REDIRECT_URI: 'http://127.0.0.1:3000/api/v1/spotify/callback',
    });
    expect(config.ENCRYPTION_KEY).toBeUndefined();
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', REDIS_URL: '' })).toMatchObject({
      MONGODB_URI: undefined,
      REDIS_URL: undefined,
    });
  });

  describe('TRUST_PROXY', () => {
    const trustProxy = (value?: string) =>
      loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY;

    it('trusts no proxy by default, or when set to false, 0 or empty', () => {
      for (const value of [undefined, '', 'false', 'FALSE', 'no', '0']) expect(trustProxy(value)).toBe(false);
    });

    it('takes a number of proxy hops: that many peers nearest the server may append X-Forwarded-For', () => {
      const one = trustProxy('1');
      if (typeof one !== 'function') throw new Error(`expected a trust function, got ${String(one)}`);
      expect(one.hops).toBe(1);
      // Hop 0 is the TCP peer (the load balancer); hop 1 is what it appended: the client, not trusted.
      expect(one('10.0.0.5', 0)).toBe(true);
      expect(one('203.0.113.7', 1)).toBe(false);
      const two = trustProxy(' 2 ');
      expect(typeof two === 'function' && [two('a', 0), two('b', 1), two('c', 2)]).toEqual([
        true,
        true,
        false,
      ]);
    });

    it('takes a comma-separated list of proxy addresses and CIDRs', () => {
      expect(trustProxy('127.0.0.1')).toEqual(['127.0.0.1']);
      expect(trustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual([
        '127.0.0.1',
        '10.0.0.0/8',
        '::1',
        'fd00::/8',
        'loopback',
      ]);
    });

    it('refuses true, saying why and what to write instead', () => {
      for (const value of ['true', 'yes']) {
        expect(() => trustProxy(value)).toThrow(ConfigError);
        expect(() => trustProxy(value)).toThrow(/TRUST_PROXY: true would trust every X-Forwarded-For/);
        expect(() => trustProxy(value)).toThrow(
          /number of proxies in front \(e\.g\. 1.*127\.0\.0\.1,10\.0\.0\.0\/8/,
        );
      }
    });

    it('names the entries that are not addresses or CIDRs', () => {
      expect(() => trustProxy('10.0.0.0/8,proxy.local')).toThrow(
        /TRUST_PROXY: "proxy\.local" is not an IP address or CIDR; write false, the number of proxies/,
      );
      expect(() => trustProxy('10.0.0.0/33')).toThrow(/TRUST_PROXY: "10\.0\.0\.0\/33" is not/);
      expect(() => trustProxy('10.0.0.1,')).toThrow(/TRUST_PROXY: an empty entry is not/);
      expect(() => trustProxy('-1')).toThrow(/TRUST_PROXY: "-1" is not/);
      expect(() => trustProxy('500')).toThrow(/TRUST_PROXY: 500 hops is more than 20/);
    });
  });
});
