import { Database, type SqliteDatabase } from '@heard/config';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventMetadata } from '@heard/domain';
import { Worker } from 'node:worker_threads';
import { followByReading } from '../catch-up-subscription';
import { compiledWorkerFile, WorkerCalls, type WithoutId } from '../worker-thread';
import {
  refusalError,
  SqliteAppender,
  toCheckpoint,
  type AppendOutcome,
  type AppendRequest,
} from './sqlite-appender';
import type { AppendThreadData, FromAppendThread, ToAppendThread } from './sqlite-append.worker';
import { pendingMigrations, type EventStoreMigration } from '../schema-version';
import {
  START,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer';

interface PendingAppend {
  streamId: string;
  events: NewEvent[];
  /** Each event's data as JSON, made once: it sizes the commit and is what is stored. */
  dataJson: string[];
  bytes: number;
  options: AppendOptions;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

type EventRow = [
  position: number,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
];

const rowidOf = (checkpoint: Checkpoint): number => (checkpoint === START ? 0 : Number(checkpoint));

// Two B-trees take a write per event: the events (appended at the end) and their
// (stream_id, revision) index; one per command: its idempotency record. Every other
// random-key index would cost a page write per append (measured: about a third more).
export const SQLITE_EVENT_STORE_MIGRATIONS: readonly EventStoreMigration[] = [
  {
    version: 1,
    description: 'events and the commands they answer',
    sql: `
CREATE TABLE IF NOT EXISTS events (
  position  INTEGER PRIMARY KEY,
  stream_id TEXT    NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT    NOT NULL,
  data      TEXT    NOT NULL,
  metadata  TEXT    NOT NULL,
  UNIQUE (stream_id, revision)
);
CREATE TABLE IF NOT EXISTS commands (
  command_id  TEXT    PRIMARY KEY,
  stream_id   TEXT    NOT NULL,
  position    INTEGER NOT NULL,
  count       INTEGER NOT NULL,
  fingerprint TEXT
) WITHOUT ROWID;
`,
  },
];

interface SqliteEventStoreOptions {
  /** Clock for recordedAt; injectable for tests. */
  now?: () => Date;
  /** Most appends committed together in one transaction (one fsync). */
  maxBatch?: number;
  /**
   * Most bytes of event data committed in one transaction: a commit holds the event loop
   * (better-sqlite3 is synchronous), so large events go in several commits, with I/O between.
   */
  maxBatchBytes?: number;
  /**
   * Commit in a thread of its own (the append thread, sqlite-append.worker): the commit and
   * its fsync then wait there, not in the caller's event loop, which queues the next group
   * of appends meanwhile. Reads stay on this thread's connection.
   */
  appendThread?: boolean;
  /**
   * Checkpoint the WAL from a worker thread (the default). Off for a connection that only
   * reads, beside the one that appends (the projections thread).
   */
  walCheckpoints?: boolean;
  /**
   * SQLite's page cache of this connection, in MiB (16 by default). It is resident memory;
   * pages it does not hold are read from the OS's file cache, which is not.
   */
  cacheMb?: number;
}

/**
 * The embedded event store: one SQLite file in WAL mode with synchronous=FULL, so an append
 * that resolved survives a crash or power loss. Appends that arrive in the same turn of the
 * event loop (or, with the append thread, while the previous group commits) are committed in
 * one transaction (group commit): one fsync for all of them, each still checked on its own
 * (expected revision, idempotency).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: SqliteDatabase;
  private readonly now: () => Date;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private queue: PendingAppend[] = [];
  private queuedBytes = 0;
  private flushScheduled = false;
  private readonly listeners = new Set<() => void>();
  private readonly stmt;
  private readonly appender: SqliteAppender;
  private readonly thread?: AppendThread;
  /** The group of appends the append thread is committing. */
  private committing?: Promise<void>;
  private closed = false;
  private readonly checkpointer?: WalCheckpointer;

  constructor(
    readonly file: string,
    options: SqliteEventStoreOptions = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      this.migrate();
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.db.pragma('journal_mode = WAL');
    // Checkpoints run in a worker thread (see startWalCheckpointer), not inside our commits.
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpointer =
      file === ':memory:' || options.walCheckpoints === false
        ? undefined
        : startWalCheckpointer(file);
    // WAL defaults to NORMAL, which may lose the last commits on power loss.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`cache_size = -${(options.cacheMb ?? 16) * 1024}`);
    this.now = options.now ?? (() => new Date());
    this.maxBatch = options.maxBatch ?? 1000;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 << 20;
    this.appender = new SqliteAppender(this.db);
    if (options.appendThread && file !== ':memory:')
      this.thread = new AppendThread({ file, cacheMb: options.cacheMb ?? 16 });
    this.stmt = {
      // Raw rows (arrays): a catch-up reads millions of them.
      readStream: this.db
        .prepare<[string, number], EventRow>(
          'SELECT position, stream_id, revision, type, data, metadata FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision',
        )
        .raw(),
      readAll: this.db
        .prepare<[number, number], EventRow>(
          'SELECT position, stream_id, revision, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT ?',
        )
        .raw(),
      head: this.db.prepare<[], { head: number | null }>(
        'SELECT MAX(position) AS head FROM events',
      ),
    };
  }

  /** The SQLite pragma value for synchronous (2 = FULL), for tests and health checks. */
  /** The schema's version is SQLite's user_version: 0 for a new file or one made before migrations. */
  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    for (const migration of pendingMigrations(SQLITE_EVENT_STORE_MIGRATIONS, current))
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      })();
  }

  synchronousLevel(): number {
    return this.db.pragma('synchronous', { simple: true }) as number;
  }

  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('Event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('Nothing to append'));
    const dataJson = events.map((e) => JSON.stringify(e.data));
    const bytes = dataJson.reduce((n, json) => n + json.length, 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, dataJson, bytes, options, resolve, reject });
      this.queuedBytes += bytes;
      if (this.queue.length >= this.maxBatch || this.queuedBytes >= this.maxBatchBytes)
        this.flush();
      else this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits the queue's head, up to maxBatch appends and maxBatchBytes; the rest goes next turn. */
  private flush(): void {
    this.flushScheduled = false;
    // The append thread commits one group at a time: the next is flushed when it answers.
    if (this.queue.length === 0 || this.committing) return;
    let count = 0;
    let bytes = 0;
    while (
      count < this.queue.length &&
      count < this.maxBatch &&
      (count === 0 || bytes + this.queue[count]!.bytes <= this.maxBatchBytes)
    )
      bytes += this.queue[count++]!.bytes;
    const batch = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    this.queuedBytes -= bytes;
    const recordedAt = this.now().toISOString();
    const requests = batch.map((pending): AppendRequest => ({
      streamId: pending.streamId,
      events: pending.events.map((event, i) => ({
        type: event.type,
        dataJson: pending.dataJson[i]!,
        metadata: event.metadata,
      })),
      expectedRevision: pending.options.expectedRevision,
      commandId: pending.options.commandId,
      fingerprint: pending.options.fingerprint,
      recordedAt: pending.options.recordedAt ?? recordedAt,
    }));
    if (this.thread) {
      this.committing = this.thread.commit(requests).then(
        (outcomes) => this.settle(batch, outcomes),
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      );
      void this.committing.finally(() => {
        this.committing = undefined;
        this.flush();
      });
      return;
    }
    if (this.queue.length > 0) this.scheduleFlush();
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.appender.commit(requests);
    } catch (error) {
      // The transaction rolled back: nothing of this batch was written.
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.settle(batch, outcomes);
  }

  private settle(batch: PendingAppend[], outcomes: AppendOutcome[]): void {
    let appended = false;
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.ok) return pending.reject(refusalError(outcome));
      if (!outcome.result.duplicate) appended = true;
      pending.resolve(outcome.result);
    });
    if (appended) for (const listener of this.listeners) listener();
  }

  readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    return Promise.resolve(
      this.stmt.readStream.all(streamId, options.fromRevision ?? 0).map(toRecorded),
    );
  }

  readAll({ after, limit }: { after: Checkpoint; limit: number }): Promise<RecordedEvent[]> {
    return Promise.resolve(this.stmt.readAll.all(rowidOf(after), limit).map(toRecorded));
  }

  head(): Promise<Checkpoint> {
    const head = this.stmt.head.get()?.head;
    return Promise.resolve(head ? toCheckpoint(head) : START);
  }

  /** Rowids are gap-free here (one writer, nothing deleted): a difference, not a count. */
  countAfter(after: Checkpoint): Promise<number> {
    const head = this.stmt.head.get()?.head ?? 0;
    return Promise.resolve(Math.max(0, head - rowidOf(after)));
  }

  /** Any whole number up to 16 digits (positions were numbers before they were opaque). */
  parsePosition(raw: string | number): Checkpoint | undefined {
    if (raw === START) return START;
    const text = String(raw);
    if (!/^\d{1,16}$/.test(text)) return undefined;
    const rowid = Number(text);
    return Number.isSafeInteger(rowid) ? toCheckpoint(rowid) : undefined;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return followByReading(
      { readAll: (o) => this.readAll(o), onAppended: (wake) => this.onAppended(wake) },
      options,
    );
  }

  findCommandResult(commandId: string): Promise<AppendResult | undefined> {
    return Promise.resolve(this.appender.commandResult(commandId));
  }

  /** Told after each commit of this process that appended something (one per group commit). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Another connection to the file appended (the API thread, told to the projections
   * thread): wakes this store's subscriptions now rather than at their next poll.
   */
  notifyAppended(): void {
    for (const listener of this.listeners) listener();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length > 0 || this.committing) {
      if (this.committing) await this.committing;
      else this.flush();
    }
    this.closed = true;
    this.listeners.clear();
    await this.thread?.close();
    await this.checkpointer?.stop();
    this.db.close();
  }
}

/**
 * The append thread, seen from the store: a commit is a message, its outcomes the answer. A
 * thread that died is started again at the next commit.
 */
class AppendThread {
  private worker?: {
    thread: Worker;
    calls: WorkerCalls<AppendOutcome[], WithoutId<ToAppendThread>>;
  };

  constructor(private readonly data: AppendThreadData) {
    this.worker = this.spawn();
  }

  private spawn() {
    const thread = new Worker(compiledWorkerFile(__dirname, 'sqlite-append.worker'), {
      workerData: this.data,
    });
    thread.on('message', (message: FromAppendThread) =>
      calls.answer(
        message.id,
        'failed' in message
          ? {
              error: Object.assign(new Error(message.failed.message), {
                code: message.failed.code,
              }),
            }
          : { reply: message.outcomes },
      ),
    );
    // What it was committing fails: written or not, as when a process dies before it answers
    // (a retry with the same idempotency key is answered from the first result).
    const fail = (error: Error) => {
      if (this.worker?.thread === thread) this.worker = undefined;
      calls.failAll(error);
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`The append thread exited (${code})`)));
    const calls = new WorkerCalls<AppendOutcome[], WithoutId<ToAppendThread>>(thread);
    return { thread, calls };
  }

  commit(batch: AppendRequest[]): Promise<AppendOutcome[]> {
    this.worker ??= this.spawn();
    return this.worker.calls.call({ type: 'commit', batch });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await worker.calls.call({ type: 'close' });
    this.worker = undefined;
    await worker.thread.terminate();
  }
}

const toRecorded = ([
  position,
  streamId,
  revision,
  type,
  data,
  metadata,
]: EventRow): RecordedEvent => ({
  position: toCheckpoint(position),
  streamId,
  revision,
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as EventMetadata,
});
