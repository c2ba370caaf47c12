export * from './read-store.port';
export * from './sqlite/sqlite-read-store';
export * from './outbox';
export * from './schema';
export * from './postgres/postgres-read-store';
export * from './open-read-store';
