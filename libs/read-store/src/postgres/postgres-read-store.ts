import { DatabaseError, Pool, types, type PoolClient, type PoolConfig } from 'pg';
import { postgresPoolSettings, type PostgresLocation } from '@heard/config';
import type { ReadStore, ReadTx } from '../read-store.port';
import { READ_STORE_DDL_LOCK } from '../schema';

/**
 * BIGINT and COUNT come back as strings from pg (they may exceed 2^53); heard's are epoch
 * milliseconds, positions and counts, all safe integers, so they are numbers here, as on
 * SQLite. A value that is not safe fails loudly rather than lose digits.
 */
const toSafeNumber = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n))
    throw new Error(`A 64-bit integer from PostgreSQL does not fit a JavaScript number: ${text}`);
  return n;
};
const INT8_OID = 20;
// SUM(BIGINT) is NUMERIC.
const NUMERIC_OID = 1700;
const TYPE_PARSERS = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (oid === INT8_OID) return toSafeNumber;
    if (oid === NUMERIC_OID) return Number;
    return types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
} as unknown as PoolConfig['types'];

/** `?` placeholders as `$1, $2, …`, outside quoted text. */
const numbered = (sql: string): string => {
  let out = '';
  let from = 0;
  let n = 0;
  let quoted: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quoted) {
      if (ch === quoted) quoted = undefined;
    } else if (ch === "'" || ch === '"') quoted = ch;
    else if (ch === '?') {
      out += `${sql.slice(from, i)}$${++n}`;
      from = i + 1;
    }
  }
  return out + sql.slice(from);
};

/**
 * A projection sends the same few statements thousands of times: each is numbered once.
 * Bounded, for the statements made per call (`IN` lists of any length).
 */
const numberedStatements = new Map<string, string>();
const MAX_NUMBERED_STATEMENTS = 2000;

/** `?` placeholders (the port's portable form) as `$1, $2, …`, outside quoted text. */
export const numberPlaceholders = (sql: string): string => {
  let text = numberedStatements.get(sql);
  if (text === undefined) {
    text = numbered(sql);
    if (numberedStatements.size < MAX_NUMBERED_STATEMENTS) numberedStatements.set(sql, text);
  }
  return text;
};

// As on SQLite: booleans are 1 and 0, undefined is NULL.
const bindable = (params: unknown[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * Read models in PostgreSQL, through a pool. Transactions of one store run one after
 * another (as on SQLite): a projection batch is one writer's work, and writes that may race
 * across processes (the outbox) are single statements that settle it in the database.
 * Queries outside a transaction read committed rows only.
 */
export class PostgresReadStore implements ReadStore {
  readonly dialect = 'postgres' as const;
  private readonly pool: Pool;
  private queue: Promise<unknown> = Promise.resolve();
  private ready?: Promise<void>;

  constructor(private readonly location: PostgresLocation) {
    this.pool = new Pool({ ...postgresPoolSettings(location, 8), types: TYPE_PARSERS });
    // An idle client that loses its connection must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Makes the schema when one was named; every call waits for it. */
  private prepared(): Promise<void> {
    this.ready ??= this.location.schema
      ? this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.location.schema}`).then(
          () => undefined,
          (error: unknown) => {
            // Made at the same moment by another store (the event store in the same schema).
            if (error instanceof DatabaseError && ['23505', '42P06'].includes(error.code ?? ''))
              return;
            this.ready = undefined; // the server may be back next time
            throw error;
          },
        )
      : Promise.resolve();
    return this.ready;
  }

  /** DDL of several instances starting at once runs one after the other (CREATE … IF NOT EXISTS races otherwise). */
  exec(ddl: string): Promise<void> {
    return this.transaction(async (tx) => {
      await tx.query(`SELECT ${READ_STORE_DDL_LOCK}`);
      await tx.execute(ddl);
    });
  }

  transaction<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await this.prepared();
      const client = await this.pool.connect();
      const tx: ReadTx = {
        query: async <Row>(sql: string, params: unknown[] = []) =>
          (await client.query(numberPlaceholders(sql), bindable(params))).rows as Row[],
        execute: async (sql: string, params: unknown[] = []) => {
          await client.query(numberPlaceholders(sql), bindable(params));
        },
      };
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        release(client, broken);
      }
    });
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    await this.prepared();
    return (await this.pool.query(numberPlaceholders(sql), bindable(params))).rows as Row[];
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.pool.end();
  }
}

/** A client whose connection broke is destroyed, not put back in the pool. */
const release = (client: PoolClient, broken: boolean) => client.release(broken || undefined);
