import { StartRefused } from '@heard/config';

/**
 * The event store's tables change only by numbered migrations, applied in order when a
 * store opens (and by `heard migrate`), each in one transaction with the version it reaches.
 * Version 1 is the schema heard made before migrations, so an older store is at 1 already.
 */
export interface EventStoreMigration {
  version: number;
  description: string;
  /** DDL, several statements allowed. */
  sql: string;
}

export class EventStoreSchemaTooNew extends StartRefused {
  override readonly name = 'EventStoreSchemaTooNew';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `The event store's schema is at version ${found}, newer than this heard knows (${known}): a newer heard has used it. Run that version, or point HEARD_EVENT_STORE at another event store.`,
    );
  }
}

/** The migrations a store at version `current` still needs; refuses a store newer than them. */
export const pendingMigrations = (
  migrations: readonly EventStoreMigration[],
  current: number,
): EventStoreMigration[] => {
  const known = migrations[migrations.length - 1]?.version ?? 0;
  if (current > known) throw new EventStoreSchemaTooNew(current, known);
  return migrations.filter((m) => m.version > current);
};
