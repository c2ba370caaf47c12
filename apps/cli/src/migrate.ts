import { Command } from 'commander';
import { loadConfig, lockDataFolder, storesAreShared } from '@heard/config';
import {
  openEventStore,
  POSTGRES_EVENT_STORE_MIGRATIONS,
  SQLITE_EVENT_STORE_MIGRATIONS,
} from '@heard/event-store';
import { migrateReadStore, READ_STORE_SCHEMA_VERSION, openReadStore } from '@heard/read-store';

/** `heard migrate`: the stores' schemas brought to this version. */
export const registerMigrate = (program: Command): void => {
  program
    .command('migrate')
    .description(
      "Bring both stores' schemas up to date (heard also does it at start); refuses a store a newer heard migrated",
    )
    .action(async () => {
      const config = loadConfig();
      const lock = storesAreShared(config)
        ? undefined
        : lockDataFolder(config.dataDir, 'heard migrate');
      try {
        // Opening the event store applies its migrations.
        await (await openEventStore(config.eventStore)).close();
        const migrations =
          config.eventStore.kind === 'postgres'
            ? POSTGRES_EVENT_STORE_MIGRATIONS
            : SQLITE_EVENT_STORE_MIGRATIONS;
        console.log(`event store: at version ${migrations[migrations.length - 1]!.version}`);
        const reads = await openReadStore(config.readStore);
        try {
          const applied = await migrateReadStore(reads);
          console.log(
            applied.length
              ? `read store: applied ${applied.map((v) => `version ${v}`).join(', ')}; now at ${READ_STORE_SCHEMA_VERSION}`
              : `read store: already at version ${READ_STORE_SCHEMA_VERSION}`,
          );
        } finally {
          await reads.close();
        }
      } finally {
        lock?.release();
      }
    });
};
