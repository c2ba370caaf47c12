import { Database, type SqliteDatabase, type SqliteStatement } from '@heard/config';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { startWalCheckpointer, type WalCheckpointer } from '@heard/event-store';
import type { ReadStore, ReadTx } from '../read-store.port';

type Statement = SqliteStatement<unknown[], unknown>;

interface SqliteReadStoreOptions {
  /** Checkpoint the WAL from a worker thread (the default); one connection per file does. */
  walCheckpoints?: boolean;
  /** Another store's `writeGate`, for a store on the same file in another thread. */
  writeGate?: SharedArrayBuffer;
}

/** How long a transaction waits for another connection's write lock, asleep, not blocking. */
const LOCK_WAIT_MS = 5000;
/** How often a waiting transaction tries the lock again. */
const LOCK_RETRY_MS = 5;

// Not `instanceof Error`: under jest, errors made by native code come from another realm.
const isBusy = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  /^SQLITE_BUSY/.test(String(error.code));

// better-sqlite3 binds neither undefined nor booleans.
const bindable = (params: unknown[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * Read models in one SQLite file. A writer connection runs projection transactions one at
 * a time; a second connection serves queries, so they never see a batch half-applied.
 * Another thread may write to the same file (the projections thread beside the API thread):
 * a transaction that finds the write lock taken waits for it asleep, never in the event loop.
 */
export class SqliteReadStore implements ReadStore {
  readonly dialect = 'sqlite' as const;
  private readonly writer: SqliteDatabase;
  private readonly reader: SqliteDatabase;
  private readonly writeStatements = new Map<string, Statement>();
  private readonly readStatements = new Map<string, Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly checkpointer?: WalCheckpointer;
  /**
   * How many transactions of stores sharing it wait for the file's write lock. SQLite keeps
   * no queue: a thread that commits batch after batch would take the lock again before a
   * waiting one retries, for as long as it has batches. A store about to take the lock while
   * another waits lets it go first. Share it with `options.writeGate`.
   */
  readonly writeGate: SharedArrayBuffer;
  private readonly waiting: Int32Array;

  constructor(
    readonly file: string,
    options: SqliteReadStoreOptions = {},
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.writeGate = options.writeGate ?? new SharedArrayBuffer(4);
    this.waiting = new Int32Array(this.writeGate);
    this.writer = new Database(file);
    this.writer.pragma('journal_mode = WAL');
    // Checkpoints run in a worker thread (see startWalCheckpointer), not inside our commits.
    this.writer.pragma('wal_autocheckpoint = 0');
    if (options.walCheckpoints !== false) this.checkpointer = startWalCheckpointer(file);
    // Read models can be rebuilt from the event store, so NORMAL (no fsync per commit) is enough.
    this.writer.pragma('synchronous = NORMAL');
    // SQLite waits for a lock by sleeping in this thread, which holds the whole event loop (health
    // and every request): it does not wait here; `begin` waits asleep instead.
    this.writer.pragma('busy_timeout = 0');
    // What a row held before it was rewritten or deleted (an erased customer's words) is
    // overwritten with zeros, not left in free pages of the file.
    this.writer.pragma('secure_delete = ON');
    // Projections update indexes all over the file; the page cache is resident memory (32 MiB).
    this.writer.pragma('cache_size = -32768');
    this.reader = new Database(file);
    this.reader.pragma('busy_timeout = 200');
  }

  // Queued like a transaction: run in the middle of one, the DDL would commit with it, or not.
  exec(ddl: string): Promise<void> {
    return this.enqueue(async () => {
      await this.begin();
      try {
        this.writer.exec(ddl);
        this.writer.exec('COMMIT');
      } catch (error) {
        if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
        throw error;
      }
    });
  }

  transaction<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.enqueue(() => this.inTransaction(work));
  }

  /**
   * A transaction that also reads other SQLite files, attached as `source0`, `source1`, …
   * (a parallel rebuild's files, one per thread, merged here at once). `tx.exec` runs DDL.
   */
  transactionWithAttached<T>(
    files: readonly string[],
    work: (tx: ReadTx & { exec(ddl: string): void }) => Promise<T>,
  ): Promise<T> {
    return this.enqueue(async () => {
      let attached = 0;
      try {
        // Outside any transaction: SQLite attaches and detaches only there.
        for (const file of files) {
          this.writer.prepare(`ATTACH DATABASE ? AS source${attached}`).run(file);
          attached++;
        }
        return await this.inTransaction(work);
      } finally {
        // Statements prepared on the attached files do not outlive them.
        this.writeStatements.clear();
        while (attached > 0) this.writer.exec(`DETACH DATABASE source${--attached}`);
      }
    });
  }

  private async inTransaction<T>(
    work: (tx: ReadTx & { exec(ddl: string): void }) => Promise<T>,
  ): Promise<T> {
    const tx = {
      query: <Row>(sql: string, params: unknown[] = []) =>
        Promise.resolve(
          this.prepare(this.writer, this.writeStatements, sql).all(...bindable(params)) as Row[],
        ),
      execute: (sql: string, params: unknown[] = []) => {
        this.prepare(this.writer, this.writeStatements, sql).run(...bindable(params));
        return Promise.resolve();
      },
      exec: (ddl: string) => void this.writer.exec(ddl),
    };
    await this.begin();
    try {
      const result = await work(tx);
      this.writer.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.writer.inTransaction) this.writer.exec('ROLLBACK');
      throw error;
    }
  }

  private async begin(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let queued = false;
    try {
      for (;;) {
        // Waiting already, it tries; otherwise it lets one that waits go first.
        const othersWait = !queued && Atomics.load(this.waiting, 0) > 0;
        if (!othersWait || Date.now() > deadline)
          try {
            this.writer.exec('BEGIN IMMEDIATE');
            return;
          } catch (error) {
            if (!isBusy(error) || Date.now() > deadline) throw error;
            if (!queued) Atomics.add(this.waiting, 0, 1);
            queued = true;
          }
        await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
      }
    } finally {
      if (queued) Atomics.sub(this.waiting, 0, 1);
    }
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

  private prepare(db: SqliteDatabase, cache: Map<string, Statement>, sql: string): Statement {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.checkpointer?.stop();
    this.reader.close();
    this.writer.close();
  }
}
