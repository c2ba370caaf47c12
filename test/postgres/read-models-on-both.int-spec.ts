import { join } from 'node:path';
import {
  DEMO_DEFAULTS,
  DEMO_DEFECT_ISSUE,
  DEMO_IVR_CHANGE,
  demoHistory,
  loadOverHttp,
} from '@heard/demo';
import { SqliteEventStore } from '@heard/event-store';
import {
  defaultProjections,
  findCandidateIssues,
  ProjectionRunner,
  readChangeImpact,
  readFollowUps,
  readKpis,
  readRecurringIssues,
  readTimeline,
  DEFAULT_PROJECTION_RULES,
  DEFAULT_CANDIDATE_OPTIONS,
} from '@heard/projections';
import { PostgresReadStore, SqliteReadStore, type ReadStore } from '@heard/read-store';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';

/** Every row of every table a projection owns, in a stable order, values as JSON would show them. */
const dump = async (store: ReadStore) => {
  const tables: Record<string, unknown[]> = {};
  for (const projection of defaultProjections())
    for (const table of projection.tables) {
      const rows = await store.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      tables[table] = rows
        .map((row) =>
          JSON.stringify(
            // When a row was written is the wall clock of that run, not what the events say.
            Object.fromEntries(
              Object.entries(row)
                .filter(([k]) => k !== 'updated_at')
                .sort(),
            ),
          ),
        )
        .sort();
    }
  return tables;
};

/** The reports analysts and product teams read, as the API serves them. */
const reports = async (store: ReadStore) => ({
  recurring: await readRecurringIssues(store, DEFAULT_PROJECTION_RULES.spike, {}),
  candidates: await findCandidateIssues(store, DEFAULT_CANDIDATE_OPTIONS),
  kpisByWeek: await readKpis(store, { by: 'week' }),
  kpisByTeam: await readKpis(store, { by: 'team' }),
  changeImpact: await readChangeImpact(store, DEMO_IVR_CHANGE, 14),
  followUps: await readFollowUps(store, { nowMs: Date.now(), limit: 500 }),
  timeline: await readTimeline(store, 'cust-0001', { limit: 50 }),
  defect: DEMO_DEFECT_ISSUE,
});

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
      await events.close();
      const [sqlite, postgres] = answers;
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
