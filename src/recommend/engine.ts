import type { Logger } from '../logger.js';
import type { CatalogTrack, RecommendedTrack } from '../protocol/index.js';
import { CooccurrenceModel } from './cooccurrence.js';
import { CooccurrenceSource } from './cooccurrence-source.js';
import { type Candidate, diversify } from './diversity.js';
import { buildFeatureIndex, type FeatureIndex } from './feature-index.js';
import { buildIntentVocabulary, extractIntent as readIntent } from './intent.js';
import type { SimilarityModel } from './learned-similarity/similarity-model.js';
import { ListenerProfiles, type ListenerSignalsStore } from './listener-profile.js';
import { emptyListener, type ListenerSignals } from './listener-signals.js';
import type { RecommendQuery } from './query.js';
import { buildPlan, type QueryPlan } from './query-plan.js';
import { explain } from './reasons.js';
import { toRecommendedTrack } from './recommended-track.js';
import type { MatchedPlay, RecommendContext, Recommender, RecommendResult } from './recommender.js';
import { createResolver } from './resolver.js';
import { ScanScratch, scan } from './scan.js';
import { profileDistance, rowDistance } from './similarity.js';
import { understandRequest } from './understanding.js';
import { defaultWeights, type Weights } from './weights.js';

export interface RecommenderOptions {
  tracks: readonly CatalogTrack[];
  /** Source of listener history, feedback and co-occurrence; without it those signals are off. */
  store?: ListenerSignalsStore;
  weights?: Partial<Weights>;
  logger?: Logger;
  /** Co-occurrence from outside the store (tests, evaluation); replaces the store-built model. */
  cooccurrence?: CooccurrenceModel;
  /** How long a listener's history stays cached (feedback is always fresh). Default 60 s. */
  historyTtlMs?: number;
  /** How often the co-occurrence model is rebuilt from the store. Default 10 minutes. */
  cooccurrenceRefreshMs?: number;
  /** The learned similarity; the shipped model unless an evaluation trains its own. */
  similarityModel?: SimilarityModel;
}

/** A recommender that also exposes its index (benchmarks, evaluation). */
export interface Engine extends Recommender {
  readonly index: FeatureIndex;
  readonly weights: Weights;
}

const artistCap = 2;
/** In an open-ended list (moods, numbers), the largest share one genre may take. */
const openEndedGenreShare = 0.25;
const requestedArtistCap = 5;
/** Candidates kept from the scan for the nearest-seed re-rank and diversity. */
const poolMinimum = 400;

export function createRecommender(options: RecommenderOptions): Engine {
  const weights: Weights = { ...defaultWeights, ...options.weights };
  const index = buildFeatureIndex(dedupe(options.tracks), options.similarityModel);
  const resolver = createResolver(index);
  const scratch = new ScanScratch(index.size);
  let vocabulary: ReturnType<typeof buildIntentVocabulary> | null = null;
  const profiles = options.store
    ? new ListenerProfiles(options.store, index, resolver, { historyTtlMs: options.historyTtlMs ?? 60_000 })
    : null;
  const cooccurrence =
    options.store && profiles && !options.cooccurrence
      ? new CooccurrenceSource(
          options.store,
          profiles,
          options.cooccurrenceRefreshMs ?? 600_000,
          options.logger,
        )
      : null;
  const fixedCooccurrence = options.cooccurrence ?? CooccurrenceModel.empty;

  /** Personalization is best effort: a store outage degrades to unpersonalized answers, not errors. */
  const listenerOf = async (context: RecommendContext, warnings: string[]): Promise<ListenerSignals> => {
    if (!profiles || !context.userId) return emptyListener;
    try {
      return await profiles.signals(context.userId);
    } catch (error) {
      (context.logger ?? options.logger)?.warn(
        { err: error },
        'listener history unavailable; recommending without it',
      );
      warnings.push('your listening history is unavailable right now; results are not personalized');
      return emptyListener;
    }
  };

  const extractIntent = (text: string) => {
    vocabulary ??= buildIntentVocabulary(index);
    return readIntent(text, index, vocabulary, resolver);
  };
  const matched = (row: number, by: MatchedPlay['by']): MatchedPlay => {
    const track = index.tracks[row]!;
    return { trackId: track.id, genre: track.genres[0] ?? null, by };
  };

  return {
    index,
    weights,
    async recommend(query: RecommendQuery, context: RecommendContext): Promise<RecommendResult> {
      const storeWarnings: string[] = [];
      const [listener, model] = await Promise.all([
        listenerOf(context, storeWarnings),
        cooccurrence ? cooccurrence.current() : Promise.resolve(fixedCooccurrence),
      ]);
      const planFor = (excludeIds: readonly string[], planWeights: Weights = weights) =>
        buildPlan({
          index,
          query,
          weights: planWeights,
          listener,
          excludeIds,
          resolveSeed: (text) => resolver.resolveText(text),
          related: (anchors) => model.related(anchors),
        });
      const excludeIds = context.excludeIds ?? [];
      const plan = planFor(excludeIds);
      const notes: string[] = [];
      const genreFirst = () => {
        const boosted = { ...weights, genre: weights.genre * genreBoost };
        return rank(index, planFor(excludeIds, boosted), boosted, query.limit, scratch);
      };
      let ranked = keepToGenres(
        index,
        plan,
        rank(index, plan, weights, query.limit, scratch),
        query.limit,
        genreFirst,
        notes,
      );
      if (excludeIds.length > 0) {
        ranked = stayOnRequest(
          index,
          plan,
          ranked,
          query.limit,
          () => rank(index, planFor([]), weights, query.limit, scratch),
          notes,
        );
      }
      const tracks = ranked.map((candidate) => toRecommended(index, plan, candidate));
      return { tracks, warnings: [...storeWarnings, ...plan.warnings, ...notes] };
    },
    resolve: (mentions) => resolver.resolve(mentions),
    matchPlay(play) {
      const byUri = play.spotifyTrackId === null ? undefined : index.rowById.get(play.spotifyTrackId);
      if (byUri !== undefined) return matched(byUri, 'uri');
      const [resolved] = resolver.resolve([{ title: play.title, artist: play.artist }]);
      const row = resolved?.trackId ? index.rowById.get(resolved.trackId) : undefined;
      return row === undefined ? null : matched(row, 'name');
    },
    forgetListener: (userId) => profiles?.invalidate(userId),
    extractIntent,
    understand: (text, conversation = { earlier: [] }) =>
      understandRequest(text, conversation, extractIntent),
    size: () => index.size,
  };
}

/** How much more an asked genre counts when too few tracks fit it and everything else asked. */
const genreBoost = 4;

function inAskedGenres(index: FeatureIndex, plan: QueryPlan, candidate: Candidate): boolean {
  return (
    plan.genres.length === 0 ||
    index.tracks[candidate.row]!.genres.some((genre) => plan.genres.includes(genre.toLowerCase()))
  );
}

/**
 * A genre the listener named comes before the softer wishes (mood, activity, taste): when fewer than
 * half the tracks are in it, the list is ranked again with the genre counting more, and says so.
 */
function keepToGenres(
  index: FeatureIndex,
  plan: QueryPlan,
  ranked: Candidate[],
  limit: number,
  genreFirst: () => Candidate[],
  notes: string[],
): Candidate[] {
  const fits = (candidate: Candidate) => inAskedGenres(index, plan, candidate);
  if (plan.genres.length === 0 || ranked.filter(fits).length >= Math.ceil(limit / 2)) return ranked;
  const again = genreFirst();
  const fitting = again.filter(fits);
  if (fitting.length <= ranked.filter(fits).length) return ranked;
  notes.push(
    `few tracks are both ${plan.genres.join(' or ')} and everything else asked, so the genre came first`,
  );
  const chosen = new Set(fitting.map((candidate) => candidate.row));
  return [...fitting, ...ranked.filter((candidate) => !chosen.has(candidate.row))].slice(0, limit);
}

/**
 * When the tracks this session has not seen yet run short of what was asked (too few in the asked
 * genres, or none at all), the best fitting earlier ones fill the list rather than tracks off the
 * request, and the reply says so. `again` ranks without the session's exclusions; it runs only then.
 */
function stayOnRequest(
  index: FeatureIndex,
  plan: QueryPlan,
  ranked: Candidate[],
  limit: number,
  again: () => Candidate[],
  notes: string[],
): Candidate[] {
  const fits = (candidate: Candidate) => inAskedGenres(index, plan, candidate);
  const fitting = ranked.filter(fits);
  if (fitting.length >= Math.ceil(limit / 2) && ranked.length > 0) return ranked;
  const shown = new Set(ranked.map((candidate) => candidate.row));
  const earlier = again().filter((candidate) => fits(candidate) && !shown.has(candidate.row));
  if (earlier.length === 0) return ranked;
  notes.push('most of the tracks that fit were already shown in this chat, so some of the best are repeated');
  const offRequest = ranked.filter((candidate) => !fits(candidate));
  return [...fitting, ...earlier, ...offRequest].slice(0, limit);
}

/** Scan → nearest-seed re-rank of the pool → diversity. */
export function rank(
  index: FeatureIndex,
  plan: QueryPlan,
  weights: Weights,
  limit: number,
  scratch: ScanScratch,
): Candidate[] {
  const pool = scan(index, plan, scratch, Math.max(limit * 8, poolMinimum));
  if (plan.seedRows.length > 1 && weights.nearestSeed > 0) {
    // Seeds can sit in different corners; the centroid alone would favour the empty middle.
    for (const candidate of pool) {
      let nearest = Number.POSITIVE_INFINITY;
      for (const seed of plan.seedRows) {
        const distance =
          rowDistance(index, seed, candidate.row) +
          weights.nearestSeedProfile * profileDistance(index, seed, candidate.row);
        nearest = Math.min(nearest, distance);
      }
      candidate.score -= weights.nearestSeed * nearest;
    }
    pool.sort((left, right) => right.score - left.score);
  }
  // MMR is quadratic in its input: it only needs the best few times `limit` candidates.
  return diversify(index, pool.slice(0, Math.max(limit * 8, 160)), {
    limit,
    diversity: weights.diversity,
    artistCap,
    requestedArtists: plan.requestedArtists,
    requestedArtistCap,
    ...(plan.openEnded ? { genreCap: Math.max(2, Math.ceil(limit * openEndedGenreShare)) } : {}),
  });
}

function toRecommended(index: FeatureIndex, plan: QueryPlan, candidate: Candidate): RecommendedTrack {
  const score = Math.round(candidate.score * 1000) / 1000;
  return toRecommendedTrack(index.tracks[candidate.row]!, score, explain(index, plan, candidate.row));
}

/** The index assumes one row per id; the last copy of an id wins, as in store.upsertTracks. */
function dedupe(tracks: readonly CatalogTrack[]): readonly CatalogTrack[] {
  const byId = new Map<string, CatalogTrack>();
  for (const track of tracks) byId.set(track.id, track);
  return byId.size === tracks.length ? tracks : [...byId.values()];
}
