import type { PendingSignInRecord } from '../records.js';
import type { PendingSignInStore } from '../store.js';
import type { MongoCollections } from './mongo-collections.js';

/** Spotify sign-ins waiting for the redirect back; the state is the document `_id`. */
export class MongoPendingSignIns implements PendingSignInStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async savePendingSignIn({ state, ...pending }: PendingSignInRecord): Promise<void> {
    await this.#collections.pendingSignIns.deleteMany({ expiresAt: { $lte: Date.now() } });
    await this.#collections.pendingSignIns.insertOne({ _id: state, ...pending });
  }

  /**
   * Find, then delete and keep the record only if this delete removed it. Not findOneAndDelete: FerretDB
   * 1.x runs findAndModify as a read and a write, so two racing takes could both get the record, whereas
   * only one delete of a document can count it. A state is random and never saved twice, so a record
   * read here cannot be a newer one under the same state.
   */
  async takePendingSignIn(state: string): Promise<Omit<PendingSignInRecord, 'state'> | null> {
    const document = await this.#collections.pendingSignIns.findOne({ _id: state });
    if (document === null) return null;
    const { deletedCount } = await this.#collections.pendingSignIns.deleteOne({ _id: state });
    if (deletedCount !== 1) return null;
    return { userId: document.userId, verifier: document.verifier, expiresAt: document.expiresAt };
  }
}
