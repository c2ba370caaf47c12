import { claimOutbound, enqueueOutbound, markOutboundSent, readOutbound } from '../outbox';
import type { ReadStore } from '../read-store.port';
import { migrateReadStore, READ_STORE_SCHEMA_VERSION } from '../schema';

export interface TwoStoresFixture {
  /** Two stores on one database: two heard processes sharing it. */
  stores: [ReadStore, ReadStore];
  teardown(): Promise<void>;
}

/** An outbound message for tests: its id, and `i` in its data and key. */
export const testOutboundMessage = (id: string, i = 0) => ({
  id,
  topic: 'account-alerts' as const,
  type: 'heard.test',
  key: `k-${i % 7}`,
  subject: 's',
  time: '2026-05-01T00:00:00.000Z',
  data: { i },
});

/** The shared tables under several writers and relays, the same on every read store. */
export const describeOutboxContract = (name: string, open: () => Promise<TwoStoresFixture>) => {
  describe(`outbox and migrations: ${name}`, () => {
    let fixture: TwoStoresFixture;
    let a: ReadStore;
    let b: ReadStore;
    beforeEach(async () => {
      fixture = await open();
      [a, b] = fixture.stores;
    });
    afterEach(() => fixture.teardown());

    it('migrates a new store once, to the latest version', async () => {
      expect(await migrateReadStore(a)).toEqual(
        Array.from({ length: READ_STORE_SCHEMA_VERSION }, (_, i) => i + 1),
      );
      expect(await migrateReadStore(b)).toEqual([]);
    });

    it('adds a trigger once, whichever writer adds it and however often', async () => {
      await migrateReadStore(a);
      // One after the other: SQLite has one writer at a time, and in one thread a second
      // would wait on the first's lock. The database's uniqueness decides, not a check first.
      const added = [];
      for (const store of [a, b])
        added.push(
          await store.transaction((tx) =>
            enqueueOutbound(tx, [
              testOutboundMessage('same'),
              testOutboundMessage('same'),
              testOutboundMessage(`own-${added.length}`),
            ]),
          ),
        );
      expect(added.map((list) => list.map((m) => m.id))).toEqual([['same', 'own-0'], ['own-1']]);
      const rows = await readOutbound(b, { limit: 10 });
      expect(rows.map((r) => r.id)).toEqual(['same', 'own-0', 'own-1']);
      expect(rows[0]!.seq < rows[1]!.seq && rows[1]!.seq < rows[2]!.seq).toBe(true);
    });

    /** A migrated store with 400 messages pending, m-0 to m-399 in that order. */
    const fourHundredPending = async (store: ReadStore) => {
      await migrateReadStore(store);
      const ids = Array.from({ length: 400 }, (_, i) => `m-${i}`);
      await store.transaction((tx) =>
        enqueueOutbound(
          tx,
          ids.map((id, i) => testOutboundMessage(id, i)),
        ),
      );
      return ids;
    };

    it('gives a claim at most the messages it asked for, oldest first', async () => {
      const ids = await fourHundredPending(a);
      const first = await claimOutbound(a, 'one', 25, 60_000);
      expect(first.map((m) => m.id)).toEqual(ids.slice(0, 25));
      const second = await claimOutbound(b, 'two', 25, 60_000);
      expect(second.map((m) => m.id)).toEqual(ids.slice(25, 50));
    });

    it('lets two relays claim at once without ever both taking a message, and loses none', async () => {
      const ids = await fourHundredPending(a);
      const taken: Record<string, string[]> = { one: [], two: [] };
      const deadline = Date.now() + 20_000;
      const relay = async (store: ReadStore, name: 'one' | 'two') => {
        while (Date.now() < deadline) {
          // The other may hold SQLite's write lock a moment: try again, as the relay's next pass does.
          const claimed = await claimOutbound(store, name, 25, 60_000).catch(() => undefined);
          if (claimed === undefined) continue;
          if (claimed.length === 0) {
            // Nothing free now: done when nothing is pending either (the other may hold some).
            if ((await readOutbound(store, { status: 'pending', limit: 1 })).length === 0) return;
            await new Promise((r) => setTimeout(r, 1));
            continue;
          }
          taken[name]!.push(...claimed.map((m) => m.id));
          await new Promise((r) => setImmediate(r));
          for (;;) {
            const marked = await markOutboundSent(
              store,
              claimed.map((m) => m.id),
              new Date().toISOString(),
            ).then(
              () => true,
              () => false,
            );
            if (marked || Date.now() > deadline) break;
          }
        }
      };
      await Promise.all([relay(a, 'one'), relay(b, 'two')]);
      const all = [...taken.one!, ...taken.two!];
      expect(all.sort()).toEqual([...ids].sort());
      expect(taken.one!.length).toBeGreaterThan(0);
      expect(taken.two!.length).toBeGreaterThan(0);
      expect(await readOutbound(a, { status: 'pending', limit: 10 })).toEqual([]);
    });

    it('gives a relay its own claims again, and another relay a claim that ran out', async () => {
      await migrateReadStore(a);
      await a.transaction((tx) => enqueueOutbound(tx, [testOutboundMessage('x')]));
      const now = Date.now();
      expect((await claimOutbound(a, 'one', 10, 1_000, now)).map((m) => m.id)).toEqual(['x']);
      expect(await claimOutbound(b, 'two', 10, 1_000, now + 10)).toEqual([]);
      expect((await claimOutbound(a, 'one', 10, 1_000, now + 20)).map((m) => m.id)).toEqual(['x']);
      // 'one' died: its claim runs out, and 'two' takes the message.
      expect((await claimOutbound(b, 'two', 10, 1_000, now + 5_000)).map((m) => m.id)).toEqual([
        'x',
      ]);
    });
  });
};
