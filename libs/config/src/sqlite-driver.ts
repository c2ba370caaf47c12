import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3 for the Node that runs heard. Its 13th line is built on Node-API 10, which
 * Node 20 lacks (it crashes there); its 12th line aborts on Node 24 when a statement is
 * collected after its thread's environment is gone (`RemoveEnvironmentCleanupHook`). So
 * both are installed, 12 under the name `better-sqlite3-napi9`, and each Node gets the one
 * that works on it. They write the same files.
 */
export const sqliteDriverPath: string = require.resolve(
  Number(process.versions.napi) >= 10 ? 'better-sqlite3' : 'better-sqlite3-napi9',
);

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Database = require(sqliteDriverPath) as typeof BetterSqlite3;

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement<P extends unknown[] = unknown[], R = unknown> = BetterSqlite3.Statement<
  P,
  R
>;
export type SqliteOptions = BetterSqlite3.Options;
