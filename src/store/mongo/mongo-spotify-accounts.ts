import { clampLimit, decodeCursor, encodeCursor, toPage } from '../cursor.js';
import type { NewSpotifyAccount, Page, SpotifyAccount, SpotifyTokenFields } from '../records.js';
import type { SpotifyAccountStore } from '../store.js';
import { nowIso } from '../time.js';
import type { MongoCollections } from './mongo-collections.js';
import { type SpotifyAccountDocument, toSpotifyAccount } from './mongo-documents.js';
import { isDuplicateKey } from './mongo-errors.js';

/** Won claims older than this are deleted: long past any interval, so no claim can still compare with them. */
const claimRetentionMs = 24 * 60 * 60_000;

/**
 * Listeners' Spotify links (tokens as ciphertext) and the recently-played sync's bookkeeping. No
 * transactions: the unique indexes (_id = Spotify account, userId) settle races.
 */
export class MongoSpotifyAccounts implements SpotifyAccountStore {
  readonly #collections: MongoCollections;

  constructor(collections: MongoCollections) {
    this.#collections = collections;
  }

  async linkSpotifyAccount(input: NewSpotifyAccount): Promise<SpotifyAccount> {
    const { spotifyAccounts } = this.#collections;
    const existing = await this.findBySpotifyUser(input.spotifyUserId);
    if (existing !== null && existing.userId !== input.userId) return existing;
    if (existing !== null) {
      await spotifyAccounts.updateOne(
        { _id: input.spotifyUserId },
        { $set: { displayName: input.displayName, ...tokenFields(input), updatedAt: nowIso() } },
      );
      return (await this.findBySpotifyUser(input.spotifyUserId)) ?? existing;
    }
    const now = nowIso();
    const document: SpotifyAccountDocument = {
      _id: input.spotifyUserId,
      userId: input.userId,
      displayName: input.displayName,
      ...tokenFields(input),
      lastSyncAfter: null,
      lastSyncAt: null,
      createdAt: now,
      updatedAt: now,
    };
    // A link to another Spotify account goes, with any claims a new link could collide with.
    await spotifyAccounts.deleteMany({ userId: input.userId });
    await this.#collections.spotifySyncClaims.deleteMany({ spotifyUserId: input.spotifyUserId });
    try {
      await spotifyAccounts.insertOne(document);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Another device linked the same account (or this listener linked another) in between: theirs stands.
      const winner = await this.findBySpotifyUser(input.spotifyUserId);
      if (winner === null) throw error;
      return winner.userId === input.userId ? this.linkSpotifyAccount(input) : winner;
    }
    return toSpotifyAccount(document);
  }

  async getSpotifyAccount(userId: string): Promise<SpotifyAccount | null> {
    const document = await this.#collections.spotifyAccounts.findOne({ userId });
    return document === null ? null : toSpotifyAccount(document);
  }

  async findBySpotifyUser(spotifyUserId: string): Promise<SpotifyAccount | null> {
    const document = await this.#collections.spotifyAccounts.findOne({ _id: spotifyUserId });
    return document === null ? null : toSpotifyAccount(document);
  }

  async updateSpotifyTokens(
    spotifyUserId: string,
    tokens: SpotifyTokenFields,
  ): Promise<SpotifyAccount | null> {
    const document = await this.#collections.spotifyAccounts.findOneAndUpdate(
      { _id: spotifyUserId },
      { $set: { ...tokenFields(tokens), updatedAt: nowIso() } },
      { returnDocument: 'after' },
    );
    return document === null ? null : toSpotifyAccount(document);
  }

  async unlinkSpotifyAccount(userId: string): Promise<boolean> {
    const document = await this.#collections.spotifyAccounts.findOne({ userId });
    if (document === null) return false;
    const { deletedCount } = await this.#collections.spotifyAccounts.deleteOne({ _id: document._id, userId });
    await this.#collections.spotifySyncClaims.deleteMany({ spotifyUserId: document._id });
    return deletedCount === 1;
  }

  async listLinkedForSync(limit: number, cursor?: string): Promise<Page<SpotifyAccount>> {
    const size = clampLimit(limit);
    const after = cursor === undefined ? '' : decodeCursor(cursor, ['string'] as const)[0];
    const documents = await this.#collections.spotifyAccounts
      .find({ _id: { $gt: after } })
      .sort({ _id: 1 })
      .limit(size + 1)
      .toArray();
    return toPage(documents, size, toSpotifyAccount, (document) => encodeCursor([document._id]));
  }

  /**
   * The unique insert of (account, expected) is what lets one claimer win: FerretDB 1.x applies an update
   * by reading then writing, so two conditional updates racing could both match.
   */
  async claimSpotifySync(
    spotifyUserId: string,
    claim: { expected: string | null; at: string },
  ): Promise<boolean> {
    const { spotifyAccounts, spotifySyncClaims } = this.#collections;
    const current = await spotifyAccounts.findOne({ _id: spotifyUserId }, { projection: { lastSyncAt: 1 } });
    if (current === null || (current.lastSyncAt ?? null) !== claim.expected) return false;
    try {
      await spotifySyncClaims.insertOne({
        // JSON: unambiguous for any characters, and storable where NUL is not (PostgreSQL's jsonb).
        _id: JSON.stringify([spotifyUserId, claim.expected]),
        spotifyUserId,
        at: claim.at,
      });
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    const { matchedCount } = await spotifyAccounts.updateOne(
      { _id: spotifyUserId, lastSyncAt: claim.expected },
      { $set: { lastSyncAt: claim.at } },
    );
    const stale = new Date(Date.parse(claim.at) - claimRetentionMs).toISOString();
    await spotifySyncClaims.deleteMany({ spotifyUserId, at: { $lt: stale } });
    return matchedCount === 1;
  }

  async saveSpotifySyncCursor(spotifyUserId: string, lastSyncAfter: number | null): Promise<void> {
    await this.#collections.spotifyAccounts.updateOne({ _id: spotifyUserId }, { $set: { lastSyncAfter } });
  }
}

function tokenFields(tokens: SpotifyTokenFields): SpotifyTokenFields {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    scope: tokens.scope,
  };
}
