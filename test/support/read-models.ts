import { defaultProjections } from '@heard/projections';
import type { ReadStore } from '@heard/read-store';

/** Every row of every table a projection owns, in a stable order, values as JSON would show them. */
export const dumpReadModels = async (store: ReadStore) => {
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
