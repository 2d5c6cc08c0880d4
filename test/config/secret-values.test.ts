import { describe, expect, it } from 'vitest';
import { secretValues } from '../../src/config/index.js';

describe('secretValues', () => {
  it('takes the settings named as secrets, each value of a list, and passwords inside addresses', () => {
    const secrets = secretValues({
      JWT_SECRET: 'j'.repeat(40),
      ADMIN_TOKEN: 'admin-token-0123456789',
      OPENAI_API_KEY: 'sk-openai',
      MY_GROQ_KEY: 'gsk-groq',
      ENCRYPTION_KEYS_PREVIOUS: 'old-key-one, old-key-two',
      MONGODB_URI: 'mongodb://echotune:p%40ss-word@db.internal:27017/echotune',
      REDIS_URL: 'redis://redis.internal:6379',
      PORT: '3000',
      HOST: '0.0.0.0',
      SPOTIFY_CLIENT_ID: 'public-client-id',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([
        'j'.repeat(40),
        'admin-token-0123456789',
        'sk-openai',
        'gsk-groq',
        'old-key-one',
        'old-key-two',
        'p%40ss-word',
        'p@ss-word',
      ]),
    );
    for (const setting of ['3000', '0.0.0.0', 'public-client-id', 'redis://redis.internal:6379']) {
      expect(secrets).not.toContain(setting);
    }
  });
});
