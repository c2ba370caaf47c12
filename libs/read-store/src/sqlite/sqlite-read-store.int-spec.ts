import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOutboxContract } from '../testing/outbox.contract';
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

describeOutboxContract('SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'heard-rs-'));
  const stores = [
    new SqliteReadStore(join(dir, 'reads.db')),
    new SqliteReadStore(join(dir, 'reads.db')),
  ] as const;
  return Promise.resolve({
    stores: [...stores],
    teardown: async () => {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
