import { checkedStore, postgresLocation, type StoreLocation } from '@heard/config';
import type { EventStore } from './event-store.port';
import { EsdbEventStore } from './esdb/esdb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/**
 * The event store a setting names, checked: a server that does not answer stops here with
 * the setting's name, not at the first command.
 */
export const openEventStore = async (
  location: StoreLocation,
  setting = 'HEARD_EVENT_STORE',
): Promise<EventStore> => {
  switch (location.kind) {
    case 'sqlite':
      // Commits (and their fsync) wait in a thread of their own, not in heard's event loop.
      return new SqliteEventStore(location.file, { appendThread: true });
    case 'postgres':
      return checkedStore(
        new PostgresEventStore(postgresLocation(location.url, location.password)),
        (store) => store.head(),
        setting,
        location.url,
      );
    case 'esdb':
      return checkedStore(
        new EsdbEventStore(location.url),
        (store) => store.head(),
        setting,
        location.url,
      );
  }
};
