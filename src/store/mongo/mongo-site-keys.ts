import { newSiteKey } from '../new-site-key.js';
import type { NewSiteKey, SiteKey } from '../records.js';
import type { SiteKeyStore } from '../store.js';
import { nowIso } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import type { SiteKeyDocument } from './mongo-documents.js';

/** A missing revokedAt reads as null: FerretDB 1.24 may drop null fields. */
function toSiteKey(document: SiteKeyDocument): SiteKey {
  return {
    key: document._id,
    name: document.name,
    origins: document.origins,
    createdAt: document.createdAt,
    revokedAt: document.revokedAt ?? null,
  };
}

/** The widget's site keys. */
export class MongoSiteKeys implements SiteKeyStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async createSiteKey(input: NewSiteKey): Promise<SiteKey> {
    const { key, ...fields } = newSiteKey(input);
    await this.#collections.siteKeys.insertOne({ _id: key, ...fields });
    return { key, ...fields };
  }

  async listSiteKeys(): Promise<SiteKey[]> {
    const documents = await this.#collections.siteKeys.find({}).sort({ createdAt: -1, _id: -1 }).toArray();
    return documents.map(toSiteKey);
  }

  async getSiteKey(key: string): Promise<SiteKey | null> {
    const document = await this.#collections.siteKeys.findOne({ _id: key });
    return document === null ? null : toSiteKey(document);
  }

  async revokeSiteKey(key: string): Promise<SiteKey | null> {
    // `revokedAt: null` also matches a missing field; an already revoked key keeps its first time.
    await this.#collections.siteKeys.updateOne(
      { _id: key, revokedAt: null },
      { $set: { revokedAt: nowIso() } },
    );
    return this.getSiteKey(key);
  }
}
