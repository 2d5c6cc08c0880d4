import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger.js';
import { createStore } from '../../src/store/index.js';
import { startFerretDb } from '../support/ferretdb.js';

const logger = createLogger('silent');
const directory = mkdtempSync(join(tmpdir(), 'echotune-create-store-'));
// MongoDB proper cannot be installed on these machines; FerretDB speaks its wire protocol. Without it
// the MongoDB case is skipped with a warning, or fails the file under CI=true (see missing()).
const ferret = await startFerretDb();
afterAll(async () => {
  await ferret?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('createStore', () => {
  it('without MONGODB_URI opens SQLite at DATA_DIR/echotune.db, creating the directory', async () => {
    const dataDir = join(directory, 'data', 'nested');
    const store = await createStore({ config: loadConfig({ DATA_DIR: dataDir }), logger });
    expect(store.kind).toBe('sqlite');
    await store.createSession({ userId: 'u1', title: 'on disk' });
    expect(existsSync(join(dataDir, 'echotune.db'))).toBe(true);
    await store.close();
  });

  it.skipIf(ferret === null)('with MONGODB_URI set opens the MongoDB adapter', async () => {
    const config = loadConfig({
      MONGODB_URI: `${ferret!.uri}create_store`,
      DATA_DIR: join(directory, 'unused'),
    });
    const store = await createStore({ config, logger });
    expect(store.kind).toBe('mongo');
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    expect(existsSync(join(directory, 'unused'))).toBe(false);
  });
});
