import { describe, expect, it } from 'vitest';
import { EchoError } from '../../../src/errors.js';
import type { StoreAccessor } from '../store-contract.js';

export function describeLifecycleCases(store: StoreAccessor): void {
  describe('lifecycle', () => {
    it('init can run again on an initialized store without losing data', async () => {
      const session = await store().createSession({ userId: 'user-1', title: 'Kept' });
      await store().init();
      expect(await store().getSession(session.id)).toEqual(session);
    });

    it('ping resolves while the backend is reachable', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });

    it('operations on a closed store fail as retryable unavailable errors', async () => {
      await store().close();
      const failure = await store()
        .getSession('any')
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(EchoError);
      expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
    });
  });

  describe('users', () => {
    it('creates a user and returns it as stored', async () => {
      const user = await store().createUser({ id: 'user-1', kind: 'guest', displayName: 'Ada' });
      expect(user).toMatchObject({ id: 'user-1', kind: 'guest', displayName: 'Ada' });
      expect(Number.isNaN(Date.parse(user.createdAt))).toBe(false);
    });

    it('defaults displayName to null', async () => {
      expect((await store().createUser({ id: 'user-2', kind: 'spotify' })).displayName).toBeNull();
    });

    it('creating an existing user returns the stored user unchanged', async () => {
      const first = await store().createUser({ id: 'user-1', kind: 'guest', displayName: 'Ada' });
      const again = await store().createUser({ id: 'user-1', kind: 'spotify', displayName: 'Grace' });
      expect(again).toEqual(first);
    });
  });
}
