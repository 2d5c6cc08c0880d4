import type { Instrument, TunableAttribute } from './query.js';

/**
 * What asking for an instrument means to the engine: catalog tags that name it (a strong bonus where a
 * catalog has them), genres where it leads (a smaller one), and the sound it usually makes (targets in
 * the attribute's units), so a catalog without tags still leans the right way.
 */
export interface InstrumentEntry {
  tags: readonly string[];
  genres: readonly string[];
  targets: Partial<Record<TunableAttribute, number>>;
}

export const instrumentTable: Record<Instrument, InstrumentEntry> = {
  piano: {
    tags: ['piano', 'solo piano', 'classical piano', 'jazz piano', 'neo-classical'],
    genres: ['classical'],
    targets: { acousticness: 0.9, instrumentalness: 0.75, energy: 0.25 },
  },
  guitar: {
    tags: ['guitar', 'blues', 'surf', 'flamenco'],
    genres: ['rock', 'folk', 'country', 'metal', 'blues'],
    targets: { instrumentalness: 0.2 },
  },
  'acoustic guitar': {
    tags: ['acoustic', 'singer-songwriter', 'flamenco'],
    genres: ['folk', 'country'],
    targets: { acousticness: 0.85, energy: 0.35 },
  },
  saxophone: {
    tags: ['saxophone', 'sax', 'smooth jazz', 'bebop', 'cool jazz'],
    genres: ['jazz'],
    targets: { instrumentalness: 0.5, acousticness: 0.6 },
  },
  trumpet: {
    tags: ['trumpet', 'big band', 'swing', 'bebop', 'cool jazz'],
    genres: ['jazz'],
    targets: { instrumentalness: 0.5, acousticness: 0.6 },
  },
  strings: {
    tags: ['strings', 'orchestral', 'string quartet', 'baroque', 'romantic', 'soundtrack'],
    genres: ['classical'],
    targets: { acousticness: 0.9, instrumentalness: 0.85 },
  },
  violin: {
    tags: ['violin', 'strings', 'orchestral', 'baroque'],
    genres: ['classical'],
    targets: { acousticness: 0.9, instrumentalness: 0.85 },
  },
  cello: {
    tags: ['cello', 'strings', 'orchestral'],
    genres: ['classical'],
    targets: { acousticness: 0.9, instrumentalness: 0.85, energy: 0.2 },
  },
  organ: {
    tags: ['organ', 'gospel'],
    genres: ['soul'],
    targets: { acousticness: 0.5 },
  },
  synth: {
    tags: ['synth', 'synthpop', 'synthwave', 'electro', 'new wave', 'techno', 'house', 'trance'],
    genres: ['edm'],
    targets: { acousticness: 0.05 },
  },
  drums: {
    tags: ['drum and bass', 'drums', 'breakbeat', 'percussion'],
    genres: ['edm', 'hip-hop'],
    targets: { energy: 0.8, danceability: 0.7 },
  },
  bass: {
    tags: ['funk', 'dub', 'bass', 'drum and bass'],
    genres: ['reggae'],
    targets: { danceability: 0.75 },
  },
  vocals: {
    tags: ['vocal', 'vocal jazz', 'choral', 'a cappella', 'singer-songwriter'],
    genres: [],
    targets: { instrumentalness: 0.02 },
  },
};
