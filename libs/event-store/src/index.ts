export {
  START,
  later,
  earliest,
  WrongExpectedRevision,
  IdempotencyKeyReused,
  AppendTooLarge,
  isSameRequest,
  EVENT_STORE,
} from './event-store.port';
export type {
  NewEvent,
  Checkpoint,
  RecordedEvent,
  AppendResult,
  AppendOptions,
  SubscribeOptions,
  Subscription,
  EventStore,
} from './event-store.port';
export { SQLITE_EVENT_STORE_MIGRATIONS, SqliteEventStore } from './sqlite/sqlite-event-store';
export { startWalCheckpointer } from './sqlite/wal-checkpointer';
export type { WalCheckpointer } from './sqlite/wal-checkpointer';
export {
  POSTGRES_EVENT_STORE_MIGRATIONS,
  PostgresEventStore,
} from './postgres/postgres-event-store';
export { openEventStore } from './open-event-store';
export { EventStoreSchemaTooNew } from './schema-version';
export { eventsChecksum, copyEvents } from './copy-events';
export { EsdbEventStore } from './esdb/esdb-event-store';
export { compiledWorkerFile, WorkerCalls } from './worker-thread';
export type { WithoutId } from './worker-thread';
