export { normalScore, quantileOf } from './model-inputs.js';
export { type Playlist, type PlaylistCatalog, readPlaylistCatalog } from './playlists.js';
export { shippedSimilarityModel } from './shipped-model.js';
export { type SimilarityModel, similarityModelSchema } from './similarity-model.js';
export { type TrainingSet, trainSimilarity } from './train-similarity.js';
export { trainingSetOf } from './training-set.js';
