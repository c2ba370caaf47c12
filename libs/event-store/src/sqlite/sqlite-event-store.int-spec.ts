import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract, newEvent } from '../testing/event-store.contract';
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
    expect(await reopened.headPosition()).toBe(100);
    expect((await reopened.readAll({ after: 0, limit: 1000 })).map((e) => e.position)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    await reopened.close();
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
    expect(await store.headPosition()).toBe(200);
    await store.close();
  });
});
