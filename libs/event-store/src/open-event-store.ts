import {
  postgresLocation,
  StartRefused,
  StoreUnreachable,
  type StoreLocation,
} from '@heard/config';
import type { EventStore } from './event-store.port';
import { EsdbEventStore } from './esdb/esdb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/**
 * The event store a setting names, checked: a PostgreSQL server that does not answer stops
 * here with the setting's name, not at the first command.
 */
export const openEventStore = async (
  location: StoreLocation,
  setting = 'HEARD_EVENT_STORE',
): Promise<EventStore> => {
  switch (location.kind) {
    case 'sqlite':
      return new SqliteEventStore(location.file);
    case 'postgres': {
      const store = new PostgresEventStore(postgresLocation(location.url, location.password));
      try {
        await store.head();
      } catch (error) {
        await store.close().catch(() => undefined);
        // It answered, and refused (a schema newer than this heard).
        if (error instanceof StartRefused) throw error;
        throw new StoreUnreachable(setting, location.url, error);
      }
      return store;
    }
    case 'esdb': {
      const store = new EsdbEventStore(location.url);
      try {
        await answersWithin(store.head(), 10_000);
      } catch (error) {
        await store.close().catch(() => undefined);
        throw new StoreUnreachable(setting, location.url, error);
      }
      return store;
    }
  }
};

/** A server that does not answer fails in seconds, not at the client's own deadline. */
const answersWithin = async <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};
