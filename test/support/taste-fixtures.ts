import type { CatalogTrack } from '../../src/protocol/index.js';
import { type Engine, recommendQuerySchema } from '../../src/recommend/index.js';

/** Open-ended questions: nothing in them names a genre. */
export const openQuestions = [
  {},
  { mood: 'happy' },
  { mood: 'energetic' },
  { activity: 'study' },
  { mood: 'chill' },
];

/** Account-data rows of a listener who played every track of one genre three times, full length. */
export function oneGenreHistory(
  catalog: readonly CatalogTrack[],
  genre: string,
): Array<{ endTime: string; artistName: string; trackName: string; msPlayed: number }> {
  return catalog
    .filter((track) => track.genres[0] === genre)
    .flatMap((track, index) =>
      [0, 1, 2].map((repeat) => ({
        endTime: new Date(Date.UTC(2024, 0, 1 + index, 8 + repeat * 3))
          .toISOString()
          .slice(0, 16)
          .replace('T', ' '),
        artistName: track.artists[0] ?? '',
        trackName: track.name,
        msPlayed: 200_000,
      })),
    );
}

/** Of the tracks answering the open questions (10 each), the share whose first genre is `genre`. */
export async function genreShare(engine: Engine, genre: string, userId: string): Promise<number> {
  let inGenre = 0;
  let total = 0;
  for (const input of openQuestions) {
    const { tracks } = await engine.recommend(recommendQuerySchema.parse({ ...input, limit: 10 }), {
      userId,
    });
    total += tracks.length;
    inGenre += tracks.filter((track) => track.genres[0] === genre).length;
  }
  return inGenre / total;
}
