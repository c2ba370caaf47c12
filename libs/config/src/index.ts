export {
  batchBodyLimitOf,
  StoreUnreachable,
  redactUrl,
  postgresLocation,
  postgresPoolSettings,
  loadConfig,
  HEARD_CONFIG,
  storesAreShared,
  WEBHOOK_SECRET_SETTINGS,
} from './config';
export type {
  StoreLocation,
  HeardConfig,
  OpsAccess,
  JwtConfig,
  AuthConfig,
  PostgresLocation,
} from './config';
export { lockDataFolder } from './data-folder-lock';
export type { DataFolderLock } from './data-folder-lock';
export { StartRefused } from './start-refused';
export { answersWithin, checkedStore } from './reachable';
export { ACCESS_ROLES, isAccessRole } from './access-roles';
export type { AccessRole } from './access-roles';
export { startIdleCollection } from './idle-collector';
export { SETTINGS } from './settings';
export { Database, sqliteDriverPath } from './sqlite-driver';
export type { SqliteDatabase, SqliteOptions, SqliteStatement } from './sqlite-driver';
