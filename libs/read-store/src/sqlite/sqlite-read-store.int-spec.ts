import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeReadStoreContract } from '../testing/read-store.contract';
import { SqliteReadStore } from './sqlite-read-store';

describeReadStoreContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heard-rs-'));
  const store = new SqliteReadStore(join(dir, 'reads.db'));
  return Promise.resolve({
    store,
    teardown: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
