import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresReadStore, SqliteReadStore, type ReadStore } from '@heard/read-store';
import { describeWithPostgres, dropSchema, uniqueSchema } from './postgres';

/** Where the current test keeps its read models: `open` gives a store on it (again after a close: the same rows). */
export interface ReadStoreSite {
  dialect: ReadStore['dialect'];
  open(): ReadStore;
}

/**
 * One suite, both read stores: on SQLite, and on PostgreSQL (skipped locally without
 * HEARD_TEST_PG_URL, required in CI). Each test gets a fresh place: a file, or a schema.
 */
export const describeOnEachReadStore = (name: string, suite: (site: ReadStoreSite) => void) => {
  // The place is removed by the outer block, so after the suite's own afterEach closed its stores.
  describe('on a SQLite read store', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'heard-reads-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    describe(name, () =>
      suite({ dialect: 'sqlite', open: () => new SqliteReadStore(join(dir, 'reads.db')) }),
    );
  });
  describeWithPostgres('on a PostgreSQL read store', (url) => {
    let schema: string;
    beforeEach(() => (schema = uniqueSchema()));
    afterEach(() => dropSchema(url, schema));
    describe(name, () =>
      suite({ dialect: 'postgres', open: () => new PostgresReadStore({ url, schema }) }),
    );
  });
};

/**
 * One suite of heard over HTTP, its read models in SQLite and in PostgreSQL (a schema of
 * its own): `settings()` gives the environment that chooses them, for startHeard.
 */
export const describeOnEachReadStoreSetting = (
  name: string,
  suite: (settings: () => Record<string, string>) => void,
) => {
  describe('read models in SQLite', () => describe(name, () => suite(() => ({}))));
  describeWithPostgres('read models in PostgreSQL', (url) => {
    const schema = uniqueSchema();
    // In the outer block: after the suite's own afterAll stopped heard.
    afterAll(() => dropSchema(url, schema));
    describe(name, () => suite(() => ({ HEARD_READ_STORE: `${url}?schema=${schema}` })));
  });
};
