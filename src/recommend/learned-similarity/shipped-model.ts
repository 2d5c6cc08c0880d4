import { type SimilarityModel, similarityModelSchema } from './similarity-model.js';
import shipped from './similarity-model.json' with { type: 'json' };

let parsed: SimilarityModel | null = null;

/**
 * The similarity the engine uses by default: learned by `npm run learn:similarity` from the 471
 * TidyTuesday playlists and committed with the code, so every install measures sound the same way.
 */
export function shippedSimilarityModel(): SimilarityModel {
  parsed ??= similarityModelSchema.parse(shipped);
  return parsed;
}
