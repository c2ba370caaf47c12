import { DatabaseError, Pool, types, type PoolClient, type PoolConfig } from 'pg';
import { postgresPoolSettings, type PostgresLocation } from '@heard/config';
import type { ReadStore, ReadTx, TransactionOptions } from '../read-store.port';
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

/** Each `?` placeholder (outside quoted text) replaced by what `each` makes of its index. */
const replacePlaceholders = (sql: string, each: (i: number) => string): string => {
  let n = 0;
  let out = '';
  let quoted: string | undefined;
  for (const ch of sql) {
    if (quoted) {
      if (ch === quoted) quoted = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quoted = ch;
      out += ch;
    } else if (ch === '?') out += each(n++);
    else out += ch;
  }
  return out;
};

/** `?` placeholders (the port's portable form) as `$1, $2, …`, outside quoted text. */
export const numberPlaceholders = (sql: string): string =>
  replacePlaceholders(sql, (i) => `$${i + 1}`);

/** Above this much SQL, held writes are sent without waiting for more. */
const MAX_HELD_CHARS = 1 << 20;

/**
 * Writes of a transaction held and sent as one multi-statement query (the simple protocol):
 * one round trip instead of one per statement. Each value is written as a quoted literal of
 * the text pg would send as its parameter, which the server types from its context exactly
 * as it types an untyped parameter. Values pg would send otherwise (bytes, arrays) are not
 * held: such a statement goes on its own.
 */
class HeldWrites {
  private statements: string[] = [];
  private chars = 0;

  constructor(private readonly client: PoolClient) {}

  /** Holds the statement; false when it must go on its own. */
  hold(sql: string, params: unknown[]): boolean {
    const values = bindable(params);
    if (values.some((v) => Buffer.isBuffer(v) || Array.isArray(v))) return false;
    const statement = replacePlaceholders(sql, (i) => this.literal(values[i]));
    this.statements.push(statement);
    this.chars += statement.length;
    return true;
  }

  /** Enough held to send now. */
  get full(): boolean {
    return this.chars > MAX_HELD_CHARS;
  }

  /** Sends what is held. */
  send(): Promise<void> {
    if (this.statements.length === 0) return Promise.resolve();
    const text = this.statements.join(';\n');
    this.statements = [];
    this.chars = 0;
    return this.client.query(text).then(() => undefined);
  }

  private literal(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'number' || typeof value === 'bigint'
          ? value.toString()
          : value instanceof Date
            ? value.toISOString()
            : JSON.stringify(value);
    return this.client.escapeLiteral(text);
  }
}

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

  transaction<T>(work: (tx: ReadTx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.enqueue(async () => {
      await this.prepared();
      const client = await this.pool.connect();
      const held = options.batchWrites ? new HeldWrites(client) : undefined;
      const tx: ReadTx = {
        query: async <Row>(sql: string, params: unknown[] = []) => {
          await held?.send();
          return (await client.query(numberPlaceholders(sql), bindable(params))).rows as Row[];
        },
        execute: async (sql: string, params: unknown[] = []) => {
          if (held?.hold(sql, params)) return held.full ? held.send() : undefined;
          await held?.send();
          await client.query(numberPlaceholders(sql), bindable(params));
        },
      };
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(tx);
        await held?.send();
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
