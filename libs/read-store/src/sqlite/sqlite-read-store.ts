import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { startWalCheckpointer, type WalCheckpointer } from '@heard/event-store';
import type { ReadStore, ReadTx } from '../read-store.port';

type Statement = Database.Statement<unknown[], unknown>;

// better-sqlite3 binds neither undefined nor booleans.
const bindable = (params: unknown[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * Read models in one SQLite file. A writer connection runs projection transactions one at
 * a time; a second connection serves queries, so they never see a batch half-applied.
 */
export class SqliteReadStore implements ReadStore {
  readonly dialect = 'sqlite' as const;
  private readonly writer: Database.Database;
  private readonly reader: Database.Database;
  private readonly writeStatements = new Map<string, Statement>();
  private readonly readStatements = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpointer: WalCheckpointer;

  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    // Checkpoints run in a worker thread (see startWalCheckpointer), not inside our commits.
    this.writer.pragma('wal_autocheckpoint = 0');
    this.checkpointer = startWalCheckpointer(file);
    // Read models can be rebuilt from the event store, so NORMAL (no fsync per commit) is enough.
    this.writer.pragma('synchronous = NORMAL');
    // SQLite waits for a lock by sleeping in this thread, which holds the whole event loop (health
    // and every request): wait briefly and let the projection runner retry with backoff instead.
    this.writer.pragma('busy_timeout = 50');
    // What a row held before it was rewritten or deleted (an erased customer's words) is
    // overwritten with zeros, not left in free pages of the file.
    this.writer.pragma('secure_delete = ON');
    // Projections update indexes all over the file: keep more of it in memory (64 MB).
    this.writer.pragma('cache_size = -65536');
    this.reader = new Database(file);
    this.reader.pragma('busy_timeout = 200');
  }

  // Queued like a transaction: run in the middle of one, the DDL would commit with it, or not.
  exec(ddl: string): Promise<void> {
    return this.enqueue(() => {
      this.writer.exec(ddl);
      return Promise.resolve();
    });
  }

  transaction<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    const run = async () => {
      const tx: ReadTx = {
        query: <Row>(sql: string, params: unknown[] = []) =>
          Promise.resolve(
            this.prepare(this.writer, this.writeStatements, sql).all(...bindable(params)) as Row[],
          ),
        execute: (sql: string, params: unknown[] = []) => {
          this.prepare(this.writer, this.writeStatements, sql).run(...bindable(params));
          return Promise.resolve();
        },
      };
      this.writer.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        this.writer.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    };
    return this.enqueue(run);
  }

  // Transactions share the writer connection: run them one after another.
  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  query<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    return Promise.resolve(
      this.prepare(this.reader, this.readStatements, sql).all(...bindable(params)) as Row[],
    );
  }

  private prepare(db: Database.Database, cache: Map<string, Statement>, sql: string): Statement {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.checkpointer.stop();
    this.reader.close();
    this.writer.close();
  }
}
