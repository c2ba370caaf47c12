import { checkedStore, postgresLocation, type StoreLocation } from '@heard/config';
import type { LeaseLogger, Leases } from './leases/leases.port';
import { LocalLeases } from './leases/local-leases';
import { PostgresLeases } from './leases/postgres-leases';
import { PostgresReadStore } from './postgres/postgres-read-store';
import type { ReadStore } from './read-store.port';
import { SqliteReadStore } from './sqlite/sqlite-read-store';

/**
 * The read store a setting names, checked: a PostgreSQL server that does not answer stops
 * here with the setting's name, not at the first projection batch.
 */
export const openReadStore = async (
  location: StoreLocation,
  setting = 'HEARD_READ_STORE',
): Promise<ReadStore> => {
  switch (location.kind) {
    case 'sqlite':
      return new SqliteReadStore(location.file);
    case 'postgres':
      return checkedStore(
        new PostgresReadStore(postgresLocation(location.url, location.password)),
        (store) => store.query('SELECT 1'),
        setting,
        location.url,
      );
    case 'esdb':
      throw new Error(`${setting}: EventStoreDB holds events, not read models`);
  }
};

/**
 * The leases of the single-active roles, kept where the read models are: PostgreSQL
 * advisory locks when they are shared, this process's alone on the embedded default.
 */
export const openLeases = (location: StoreLocation, logger: LeaseLogger): Leases =>
  location.kind === 'postgres'
    ? new PostgresLeases(postgresLocation(location.url, location.password), logger)
    : new LocalLeases();
