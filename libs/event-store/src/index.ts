export * from './event-store.port';
export * from './catch-up-subscription';
export * from './sqlite/sqlite-event-store';
export * from './sqlite/wal-checkpointer';
export * from './postgres/postgres-event-store';
export * from './open-event-store';
export * from './schema-version';
export * from './copy-events';
