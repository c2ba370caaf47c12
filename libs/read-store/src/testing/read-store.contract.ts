import { randomUUID } from 'node:crypto';
import { queryIn, upsertRows, type ReadStore } from '../read-store.port';

interface ReadStoreFixture {
  store: ReadStore;
  teardown(): Promise<void>;
}

/**
 * What every read store must do the same way, whatever its database: the projections and
 * the reports are written once against it. Each test makes tables of its own, so the suite
 * may run on a database others use.
 */
export const describeReadStoreContract = (
  name: string,
  open: () => Promise<ReadStoreFixture>,
): void => {
  describe(`read store contract: ${name}`, () => {
    let fixture: ReadStoreFixture;
    let store: ReadStore;
    let table: string;
    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      table = `contract_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(async () => {
      await store.exec(`DROP TABLE IF EXISTS ${table}`);
      await fixture.teardown();
    });

    it('returns 64-bit integers (epoch milliseconds, positions) as numbers', async () => {
      await store.exec(`CREATE TABLE ${table} (k TEXT PRIMARY KEY, n BIGINT NOT NULL)`);
      const values = { now: Date.now(), max: Number.MAX_SAFE_INTEGER, negative: -1, zero: 0 };
      await store.transaction(async (tx) => {
        for (const [k, n] of Object.entries(values))
          await tx.execute(`INSERT INTO ${table} (k, n) VALUES (?, ?)`, [k, n]);
      });
      const rows = await store.query<{ k: string; n: unknown }>(`SELECT k, n FROM ${table}`);
      expect(Object.fromEntries(rows.map((r) => [r.k, r.n]))).toEqual(values);
      const [sum] = await store.query<{ total: unknown; count: unknown }>(
        `SELECT SUM(n) AS total, COUNT(*) AS count FROM ${table} WHERE k IN ('now', 'zero')`,
      );
      expect(sum).toEqual({ total: values.now, count: 2 });
    });

    it('keeps values as given, and fails a transaction whole when one statement fails', async () => {
      await store.exec(
        `CREATE TABLE ${table} (k TEXT PRIMARY KEY, n BIGINT NOT NULL, note TEXT, ratio REAL)`,
      );
      const awkward = "it's \\ a 'quote' ? $1 — ünï ☃ \n new line";
      await store.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${table} (k, n, note, ratio) VALUES (?, ?, ?, ?)`, [
          'a',
          Number.MAX_SAFE_INTEGER,
          awkward,
          0.25,
        ]);
        await tx.execute(`INSERT INTO ${table} (k, n, note) VALUES (?, ?, ?)`, ['b', 1, null]);
      });
      expect(await store.query(`SELECT k, n, note, ratio FROM ${table} ORDER BY k`)).toEqual([
        { k: 'a', n: Number.MAX_SAFE_INTEGER, note: awkward, ratio: 0.25 },
        { k: 'b', n: 1, note: null, ratio: null },
      ]);
      const refusal = await store
        .transaction(async (tx) => {
          await tx.execute(`INSERT INTO ${table} (k, n) VALUES (?, ?)`, ['c', 3]);
          await tx.execute(`INSERT INTO ${table} (k, n) VALUES (?, ?)`, ['a', 4]);
        })
        .then(
          () => 'committed',
          // By its message: under jest, SQLite's native errors may come from another realm.
          (error: unknown) => String((error as { message?: unknown }).message),
        );
      expect(refusal).toMatch(/unique/i);
      expect(await store.query(`SELECT k FROM ${table} ORDER BY k`)).toEqual([
        { k: 'a' },
        { k: 'b' },
      ]);
    });

    it('binds booleans as 1 and 0 and undefined as NULL', async () => {
      await store.exec(
        `CREATE TABLE ${table} (k TEXT PRIMARY KEY, flag INTEGER NOT NULL, note TEXT)`,
      );
      await store.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${table} (k, flag, note) VALUES (?, ?, ?)`, ['a', true, 'x']);
        await tx.execute(`INSERT INTO ${table} (k, flag, note) VALUES (?, ?, ?)`, [
          'b',
          false,
          undefined,
        ]);
      });
      expect(await store.query(`SELECT k, flag, note FROM ${table} ORDER BY k`)).toEqual([
        { k: 'a', flag: 1, note: 'x' },
        { k: 'b', flag: 0, note: null },
      ]);
      expect(await store.query(`SELECT k FROM ${table} WHERE flag = ? ORDER BY k`, [true])).toEqual(
        [{ k: 'a' }],
      );
    });

    it('upserts with ON CONFLICT … DO UPDATE and skips with DO NOTHING', async () => {
      await store.exec(`CREATE TABLE ${table} (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`);
      const upsert = `INSERT INTO ${table} (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = ${table}.v + excluded.v`;
      await store.transaction(async (tx) => {
        await tx.execute(upsert, ['a', 1]);
        await tx.execute(upsert, ['a', 2]);
        await tx.execute(`INSERT INTO ${table} (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING`, [
          'a',
          100,
        ]);
      });
      expect(await store.query(`SELECT k, v FROM ${table}`)).toEqual([{ k: 'a', v: 3 }]);
    });

    it('writes whole rows in few statements and reads rows for many keys (upsertRows, queryIn)', async () => {
      await store.exec(
        `CREATE TABLE ${table} (k TEXT NOT NULL, part BIGINT NOT NULL, n BIGINT, note TEXT, PRIMARY KEY (k, part))`,
      );
      // More rows than one statement takes, and NULLs.
      const rows = Array.from({ length: 1203 }, (_, i) => ({
        k: `k${i}`,
        part: i % 3,
        n: i,
        note: i % 2 ? null : `it's ${i}`,
      }));
      await store.transaction((tx) => upsertRows(tx, table, ['k', 'part'], rows));
      await store.transaction(async (tx) => {
        await upsertRows(
          tx,
          table,
          ['k', 'part'],
          [{ k: 'k1', part: 1, n: Number.MAX_SAFE_INTEGER, note: 'replaced' }],
        );
        await upsertRows(
          tx,
          table,
          ['k', 'part'],
          [
            { k: 'k2', part: 2, n: -1, note: 'kept the stored row' },
            { k: 'new', part: 0, n: 7, note: 'inserted' },
          ],
          'keep',
        );
        await upsertRows(tx, table, ['k', 'part'], [{ k: 'k3', part: 0, n: 10 }], 'add');
        await upsertRows(tx, table, ['k', 'part'], []);
      });
      const stored = await store.query<{ k: string; part: number; n: number; note: string | null }>(
        `SELECT k, part, n, note FROM ${table} ORDER BY k`,
      );
      expect(stored).toHaveLength(1204);
      const byKey = new Map(stored.map((r) => [r.k, r]));
      expect(byKey.get('k1')).toEqual({
        k: 'k1',
        part: 1,
        n: Number.MAX_SAFE_INTEGER,
        note: 'replaced',
      });
      expect(byKey.get('k2')).toEqual({ k: 'k2', part: 2, n: 2, note: "it's 2" });
      expect(byKey.get('new')).toEqual({ k: 'new', part: 0, n: 7, note: 'inserted' });
      expect(byKey.get('k3')).toEqual({ k: 'k3', part: 0, n: 13, note: null });
      expect(byKey.get('k1200')).toEqual({ k: 'k1200', part: 0, n: 1200, note: "it's 1200" });

      const wanted = Array.from({ length: 700 }, (_, i) => `k${i * 2}`);
      const found = await store.transaction((tx) =>
        queryIn<{ k: string }>(tx, `SELECT k FROM ${table} WHERE k IN`, [...wanted, 'k0', 'none']),
      );
      // Each key once, only those stored.
      expect(found.map((r) => r.k).sort()).toEqual(wanted.filter((k) => byKey.has(k)).sort());
    });

    it('runs concurrent transactions as if one after another, and rolls a failed one back whole', async () => {
      await store.exec(`CREATE TABLE ${table} (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`);
      await store.transaction((tx) => tx.execute(`INSERT INTO ${table} (k, v) VALUES ('n', 0)`));
      const increment = () =>
        store.transaction(async (tx) => {
          const [row] = await tx.query<{ v: number }>(`SELECT v FROM ${table} WHERE k = 'n'`);
          await new Promise((r) => setTimeout(r, 1));
          await tx.execute(`UPDATE ${table} SET v = ? WHERE k = 'n'`, [row!.v + 1]);
        });
      const failing = store.transaction(async (tx) => {
        await tx.execute(`UPDATE ${table} SET v = v + 1000 WHERE k = 'n'`);
        await tx.execute(`INSERT INTO ${table} (k, v) VALUES ('partial', 1)`);
        throw new Error('the projection failed');
      });
      const results = await Promise.allSettled([
        ...Array.from({ length: 10 }, increment),
        failing,
        ...Array.from({ length: 10 }, increment),
      ]);
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
      expect(await store.query(`SELECT k, v FROM ${table} ORDER BY k`)).toEqual([
        { k: 'n', v: 20 },
      ]);
    });

    it('takes DDL inside a transaction, and undoes it with the transaction', async () => {
      const other = `${table}_b`;
      await expect(
        store.transaction(async (tx) => {
          await tx.execute(`CREATE TABLE ${other} (k TEXT PRIMARY KEY)`);
          await tx.execute(`INSERT INTO ${other} (k) VALUES ('x')`);
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      await store.exec(`CREATE TABLE ${table} (k TEXT PRIMARY KEY)`);
      await store.transaction(async (tx) => {
        await tx.execute(`DROP TABLE ${table}`);
        await tx.execute(`CREATE TABLE ${table} (k TEXT PRIMARY KEY, v TEXT)`);
        await tx.execute(`INSERT INTO ${table} (k, v) VALUES ('y', 'made in the transaction')`);
      });
      expect(await store.query(`SELECT k, v FROM ${table}`)).toEqual([
        { k: 'y', v: 'made in the transaction' },
      ]);
      // The abandoned table does not exist: making it again works.
      await store.exec(`CREATE TABLE ${other} (k TEXT PRIMARY KEY); DROP TABLE ${other}`);
    });

    it('lets queries see committed rows only', async () => {
      await store.exec(`CREATE TABLE ${table} (k TEXT PRIMARY KEY)`);
      let seenInside: unknown[] = [];
      await store.transaction(async (tx) => {
        await tx.execute(`INSERT INTO ${table} (k) VALUES ('pending')`);
        seenInside = await store.query(`SELECT k FROM ${table}`);
        expect(await tx.query(`SELECT k FROM ${table}`)).toEqual([{ k: 'pending' }]);
      });
      expect(seenInside).toEqual([]);
      expect(await store.query(`SELECT k FROM ${table}`)).toEqual([{ k: 'pending' }]);
    });
  });
};
