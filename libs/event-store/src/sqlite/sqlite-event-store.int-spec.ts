import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract, newEvent } from '../testing/event-store.contract';
import { START } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const tempDir = () => mkdtempSync(join(tmpdir(), 'heard-es-'));

describeEventStoreContract('SQLite', () => {
  const dir = tempDir();
  const store = new SqliteEventStore(join(dir, 'events.db'));
  return Promise.resolve({
    store,
    teardown: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('SQLite event store, durability', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits with synchronous=FULL in WAL mode', async () => {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    expect(store.synchronousLevel()).toBe(2);
    await store.close();
  });

  it('keeps every acknowledged event across a reopen', async () => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore(file);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.append(`case-${i}`, [newEvent('E')], { expectedRevision: 'no_stream' }),
      ),
    );
    await store.close();
    const reopened = new SqliteEventStore(file);
    expect(await reopened.countAfter(START)).toBe(100);
    const all = await reopened.readAll({ after: START, limit: 1000 });
    expect(all.map((e) => e.streamId).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `case-${i}`).sort(),
    );
    expect(all[99]!.position).toBe(await reopened.head());
    await reopened.close();
  });

  it('migrates a store made before migrations, and refuses one a newer heard migrated', async () => {
    const file = join(dir, 'events.db');
    const old = new Database(file);
    old.exec(
      'CREATE TABLE events (position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream_id, revision))',
    );
    old.close();
    const store = new SqliteEventStore(file);
    await store.append('case-a', [newEvent('E')], { expectedRevision: 'no_stream' });
    await store.close();
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.pragma('user_version = 7');
    db.close();
    expect(() => new SqliteEventStore(file)).toThrow(
      "The event store's schema is at version 7, newer than this heard knows (1): a newer heard has used it.",
    );
  });

  it('reads positions kept as numbers before they were opaque', async () => {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    await store.append('case-a', [newEvent('E'), newEvent('E')], { expectedRevision: 'no_stream' });
    const [, second] = await store.readStream('case-a');
    expect(store.parsePosition(2)).toBe(second!.position);
    expect(store.parsePosition('2')).toBe(second!.position);
    await store.close();
  });

  it('commits concurrent appends together (group commit)', async () => {
    const store = new SqliteEventStore(join(dir, 'events.db'));
    let commits = 0;
    store.onAppended(() => (commits += 1));
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        store.append(`case-${i}`, [newEvent('E')], { expectedRevision: 'no_stream' }),
      ),
    );
    expect(commits).toBeLessThan(10);
    expect(await store.countAfter(START)).toBe(200);
    await store.close();
  });
});
