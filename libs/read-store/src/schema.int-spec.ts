import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enqueueOutbound, readOutbound } from './outbox';
import { migrateReadStore, READ_STORE_SCHEMA_VERSION, ReadStoreSchemaTooNew } from './schema';
import { SqliteReadStore } from './sqlite/sqlite-read-store';

describe('read store migrations (SQLite)', () => {
  let dir: string;
  let store: SqliteReadStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'heard-schema-'));
    store = new SqliteReadStore(join(dir, 'reads.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('brings an outbox made before migrations up to date, keeping its rows and their order', async () => {
    // What the earlier version made: ids checked, then numbered with MAX(seq) + 1.
    await store.exec(`CREATE TABLE outbound_messages (
      message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, topic TEXT NOT NULL,
      type TEXT NOT NULL, msg_key TEXT NOT NULL, subject TEXT NOT NULL,
      occurred_at TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL, sent_at TEXT);
      INSERT INTO outbound_messages VALUES ('old-a', 7, 'follow-ups', 't', 'k', 's', 'x', '{}', 'x', 'x');
      INSERT INTO outbound_messages VALUES ('old-b', 9, 'follow-ups', 't', 'k', 's', 'x', '{"n":1}', 'x', NULL);`);
    expect(await migrateReadStore(store)).toEqual([1, 2, 3, 4, 5]);
    await store.transaction((tx) =>
      enqueueOutbound(tx, [
        {
          id: 'new-c',
          topic: 'follow-ups',
          type: 't',
          key: 'k',
          subject: 's',
          time: 'x',
          data: {},
        },
      ]),
    );
    const rows = await readOutbound(store, { limit: 10 });
    expect(rows.map((r) => [r.id, r.seq, r.sentAt])).toEqual([
      ['old-a', 7, 'x'],
      ['old-b', 9, null],
      ['new-c', 10, null],
    ]);
    expect(rows[1]!.data).toEqual({ n: 1 });
    // Once is enough.
    expect(await migrateReadStore(store)).toEqual([]);
  });

  it('refuses a store whose schema is newer than this heard', async () => {
    await migrateReadStore(store);
    await store.transaction((tx) =>
      tx.execute('UPDATE read_store_schema SET version = ?', [READ_STORE_SCHEMA_VERSION + 1]),
    );
    await expect(migrateReadStore(store)).rejects.toThrow(ReadStoreSchemaTooNew);
    await expect(migrateReadStore(store)).rejects.toThrow(
      `schema is at version ${READ_STORE_SCHEMA_VERSION + 1}, newer than this heard knows (${READ_STORE_SCHEMA_VERSION})`,
    );
  });
});
