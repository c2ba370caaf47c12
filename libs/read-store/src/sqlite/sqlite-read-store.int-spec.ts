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
  // Two writers on one file are two threads of one heard (the API thread and the projections
  // thread): they share the gate that makes them take turns at the write lock.
  const first = new SqliteReadStore(join(dir, 'reads.db'));
  const stores = [
    first,
    new SqliteReadStore(join(dir, 'reads.db'), { writeGate: first.writeGate }),
  ] as const;
  return Promise.resolve({
    stores: [...stores],
    teardown: async () => {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
