import { join } from 'node:path';
import { DEMO_DEFAULTS, demoHistory, loadOverHttp } from '@heard/demo';
import { SqliteEventStore } from '@heard/event-store';
import { defaultProjections, ProjectionRunner } from '@heard/projections';
import { PostgresReadStore, SqliteReadStore, type ReadStore } from '@heard/read-store';
import { removeDir, startHeard, tempDataDir, TEST_ADMIN_KEY } from '../support/heard-app';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';
import { dumpReadModels as dump, readReports as reports } from '../support/read-models';

describeWithPostgres('the same read models on SQLite and PostgreSQL', (url) => {
  jest.setTimeout(180_000);

  it('gives every table row for row, and every report answer, from the demo', async () => {
    const dir = tempDataDir();
    const schema = uniqueSchema();
    try {
      const heard = await startHeard(dir);
      const loaded = await loadOverHttp(
        heard.url,
        demoHistory({ ...DEMO_DEFAULTS, customers: 300 }),
        { apiKey: TEST_ADMIN_KEY },
      );
      expect(loaded.refused).toBe(0);
      await heard.stop();

      const events = new SqliteEventStore(join(dir, 'events.db'));
      const stores: ReadStore[] = [
        new SqliteReadStore(join(dir, 'again.db')),
        new PostgresReadStore({ url, schema }),
      ];
      const answers = [];
      for (const store of stores) {
        const failures: string[] = [];
        const runner = new ProjectionRunner(events, store, defaultProjections(), {
          log: () => undefined,
          error: (message, error) => failures.push(`${message}: ${String(error)}`),
        });
        await runner.start();
        const reached = await runner.waitFor(await events.head(), 120_000);
        expect({ dialect: store.dialect, failures: failures.slice(0, 1) }).toEqual({
          dialect: store.dialect,
          failures: [],
        });
        expect(reached).toBe(true);
        await runner.stop();
        answers.push({ tables: await dump(store), reports: await reports(store) });
        await store.close();
      }

      // Two runners on one read store (a holder that has not yet noticed it lost its lease,
      // and the instance that took over): each batch applies only what follows the
      // checkpoints it read in its own transaction, so no event counts twice.
      const twice = [
        new PostgresReadStore({ url, schema: `${schema}_b` }),
        new PostgresReadStore({ url, schema: `${schema}_b` }),
      ];
      const racing = twice.map(
        (store) => new ProjectionRunner(events, store, defaultProjections(), undefined, 97),
      );
      await Promise.all(racing.map((runner) => runner.start()));
      const head = await events.head();
      expect(await Promise.all(racing.map((runner) => runner.waitFor(head, 120_000)))).toEqual([
        true,
        true,
      ]);
      for (const runner of racing) await runner.stop();
      const raced = await dump(twice[0]!);
      for (const store of twice) await store.close();
      await dropSchema(url, `${schema}_b`);

      await events.close();
      const [sqlite, postgres] = answers;
      expect(raced).toEqual(sqlite!.tables);
      for (const table of Object.keys(sqlite!.tables))
        expect({ table, rows: postgres!.tables[table] }).toEqual({
          table,
          rows: sqlite!.tables[table],
        });
      expect(postgres!.reports).toEqual(sqlite!.reports);
      expect(sqlite!.reports.recurring).toBeTruthy();
    } finally {
      removeDir(dir);
      await dropSchema(url, schema);
    }
  });
});
