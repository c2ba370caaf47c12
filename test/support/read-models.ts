import { DEMO_DEFECT_ISSUE, DEMO_IVR_CHANGE } from '@heard/demo';
import {
  DEFAULT_CANDIDATE_OPTIONS,
  DEFAULT_PROJECTION_RULES,
  defaultProjections,
  findCandidateIssues,
  readChangeImpact,
  readFollowUps,
  readKpis,
  readRecurringIssues,
  readTimeline,
} from '@heard/projections';
import type { ReadStore } from '@heard/read-store';

/**
 * Every row of every table a projection owns, in a stable order, values as JSON would show
 * them. `withoutPositions`: leave out event store positions, to compare read models built
 * from two stores (each writes positions its own way).
 */
export const dumpReadModels = async (store: ReadStore, { withoutPositions = false } = {}) => {
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
                .filter(([k]) => k !== 'updated_at' && !(withoutPositions && /position$/.test(k)))
                .sort(),
            ),
          ),
        )
        .sort();
    }
  return tables;
};

/** The reports analysts and product teams read, as the API serves them. */
export const readReports = async (store: ReadStore) => ({
  recurring: await readRecurringIssues(store, DEFAULT_PROJECTION_RULES.spike, {}),
  candidates: await findCandidateIssues(store, DEFAULT_CANDIDATE_OPTIONS),
  kpisByWeek: await readKpis(store, { by: 'week' }),
  kpisByTeam: await readKpis(store, { by: 'team' }),
  changeImpact: await readChangeImpact(store, DEMO_IVR_CHANGE, 14),
  followUps: await readFollowUps(store, { nowMs: Date.now(), limit: 500 }),
  timeline: await readTimeline(store, 'cust-0001', { limit: 50 }),
  defect: DEMO_DEFECT_ISSUE,
});
