export {
  READ_STORE,
  chunks,
  placeholders,
  queryIn,
  SqlFilter,
  upsertRows,
} from './read-store.port';
export type { ReadTx, ReadStore } from './read-store.port';
export { SqliteReadStore } from './sqlite/sqlite-read-store';
export {
  OUTBOUND_TOPICS,
  enqueueOutbound,
  claimOutbound,
  markOutboundSent,
  readOutbound,
} from './outbox';
export type { OutboundTopic, OutboundMessage, StoredOutboundMessage } from './outbox';
export {
  READ_STORE_DDL_LOCK,
  READ_STORE_SCHEMA_VERSION,
  migrateReadStore,
  migratedOnce,
} from './schema';
export { numberPlaceholders, PostgresReadStore } from './postgres/postgres-read-store';
export { openReadStore, openLeases } from './open-read-store';
export { LEASES } from './leases/leases.port';
export type { LeasedRole, Leases } from './leases/leases.port';
export { LocalLeases } from './leases/local-leases';
export { PostgresLeases } from './leases/postgres-leases';
