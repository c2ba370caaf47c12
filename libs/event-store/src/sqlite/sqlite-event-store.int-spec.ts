import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Database } from '@heard/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract, newEvent } from '../testing/event-store.contract';
import { START } from '../event-store.port';
import { SqliteEventStore } from './sqlite-event-store';

const tempDir = () => mkdtempSync(join(tmpdir(), 'heard-es-'));

for (const [name, options] of [
  ['SQLite', {}],
  ['SQLite, committing in the append thread', { appendThread: true }],
] as const)
  describeEventStoreContract(name, () => {
    const dir = tempDir();
    const store = new SqliteEventStore(join(dir, 'events.db'), options);
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

  it.each([
    ['in the calling thread', false],
    ['in the append thread', true],
  ])('keeps every acknowledged event across a reopen, committed %s', async (_, appendThread) => {
    const file = join(dir, 'events.db');
    const store = new SqliteEventStore(file, { appendThread });
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

  it.each([
    ['in the calling thread', false],
    ['in the append thread', true],
  ])('commits concurrent appends together (group commit), %s', async (_, appendThread) => {
    const store = new SqliteEventStore(join(dir, 'events.db'), { appendThread });
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

  it('keeps a process running while the append thread commits, and lets it end when idle', () => {
    // A script (a CLI) that appends and exits without closing the store: every append it
    // awaited is done, and the process ends on its own.
    const built = join(__dirname, '..', '..', '..', '..', 'dist', 'libs', 'event-store', 'src');
    const script = `
      const { SqliteEventStore } = require(${JSON.stringify(built)});
      const store = new SqliteEventStore(${JSON.stringify(join(dir, 'events.db'))}, { appendThread: true });
      (async () => {
        for (let i = 0; i < 300; i++)
          await store.append('case-' + i, [{ type: 'E', data: {}, metadata: { eventId: 'e' + i } }], { expectedRevision: 'no_stream' });
        console.log(await store.countAfter(''));
      })();`;
    const output = execFileSync(process.execPath, ['-e', script], { timeout: 20_000 });
    expect(output.toString().trim()).toBe('300');
  });

  it('starts the append thread again when it dies: what it was committing fails, the next appends land', async () => {
    const store = new SqliteEventStore(join(dir, 'events.db'), { appendThread: true });
    await store.append('case-before', [newEvent('E')], { expectedRevision: 'no_stream' });
    const appendThread = (
      store as unknown as { thread: { worker: { thread: { terminate(): Promise<number> } } } }
    ).thread;
    await appendThread.worker.thread.terminate();
    await store.append('case-after', [newEvent('E')], { expectedRevision: 'no_stream' });
    expect((await store.readAll({ after: START, limit: 10 })).map((e) => e.streamId)).toEqual([
      'case-before',
      'case-after',
    ]);
    await store.close();
  });
});
