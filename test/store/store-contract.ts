import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { describeActivityCases } from './contract/activity-cases.js';
import { describeCatalogCases } from './contract/catalog-cases.js';
import { describeConversationCases } from './contract/conversation-cases.js';
import { describeLifecycleCases } from './contract/lifecycle-cases.js';
import { describeListeningStatsCases } from './contract/listening-stats-cases.js';
import { describeMergeUserCases } from './contract/merge-user-cases.js';
import { describeSessionChangeCases } from './contract/session-change-cases.js';
import { describeSiteKeyCases } from './contract/site-key-cases.js';
import { describeSpotifyAccountCases } from './contract/spotify-account-cases.js';
import { describeTurnProgressCases } from './contract/turn-progress-cases.js';

/** Hands each test the store under test; throws outside a test. */
export type StoreAccessor = () => Store;

export interface StoreContractOptions {
  /** Skips the whole suite; the reason is printed by whoever decided to skip. */
  skip?: boolean;
}

/**
 * The one behaviour suite every Store adapter must pass. `factory` returns a fresh, initialized, empty
 * store for each test; the suite closes it afterwards (closing twice must be harmless).
 */
export function describeStoreContract(
  name: string,
  factory: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe.skipIf(options.skip === true)(`Store contract: ${name}`, () => {
    let current: Store | undefined;
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const store: StoreAccessor = () => {
      if (current === undefined) throw new Error('the store is only available inside a test');
      return current;
    };
    describeLifecycleCases(store);
    describeConversationCases(store);
    describeSessionChangeCases(store);
    describeCatalogCases(store);
    describeActivityCases(store);
    describeListeningStatsCases(store);
    describeTurnProgressCases(store);
    describeSiteKeyCases(store);
    describeSpotifyAccountCases(store);
    describeMergeUserCases(store);
  });
}
