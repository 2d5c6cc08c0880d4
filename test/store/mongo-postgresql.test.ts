import { afterAll } from 'vitest';
import { createMongoStore } from '../../src/store/mongo/index.js';
import { startFerretDb } from '../support/ferretdb.js';
import { describeStoreContract } from './store-contract.js';

// FerretDB on PostgreSQL is what the multi-instance load runs use (its indexes answer filtered
// queries); the adapter must keep the whole contract there too, not only on the SQLite backend.
const ferret = await startFerretDb({ backend: 'postgresql' });
afterAll(async () => {
  await ferret?.stop();
});

let databaseNumber = 0;

describeStoreContract(
  'mongo (FerretDB on PostgreSQL)',
  () => {
    databaseNumber += 1;
    return createMongoStore({
      config: {
        MONGODB_URI: ferret!.uri,
        MONGODB_DB: `contract_${databaseNumber}`,
        MONGODB_TIMEOUT_MS: 5_000,
        MONGODB_MAX_POOL_SIZE: 20,
      },
    });
  },
  { skip: ferret === null },
);
