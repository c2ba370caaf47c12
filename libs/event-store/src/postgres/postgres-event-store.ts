import { Client, DatabaseError, Pool, type PoolClient } from 'pg';
import { postgresPoolSettings, type PostgresLocation } from '@heard/config';
import { pendingMigrations, type EventStoreMigration } from '../schema-version';
import type { EventMetadata } from '@heard/domain';
import { followByReading } from '../catch-up-subscription';
import {
  IdempotencyKeyReused,
  isSameRequest,
  START,
  WrongExpectedRevision,
  type AppendOptions,
  type AppendResult,
  type Checkpoint,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';

interface PostgresEventStoreOptions extends PostgresLocation {
  now?: () => Date;
  /** Read again this often even without a notification. */
  pollIntervalMs?: number;
}

/**
 * Every event carries the id of the transaction that wrote it (`tx_id`, xid8) and a global
 * sequence (`seq`) taken when it was inserted. Both are taken before commit, so a
 * transaction may commit after one with higher numbers. Readers therefore only read events
 * of transactions older than the oldest one still running (`pg_snapshot_xmin`): those can
 * no longer change, and anything that commits later has a higher `tx_id` than all of them.
 * Order is (tx_id, seq). A long-running transaction anywhere on the server holds readers
 * back until it ends; it never makes them skip.
 */
export const POSTGRES_EVENT_STORE_MIGRATIONS: readonly EventStoreMigration[] = [
  {
    version: 1,
    description: 'events in commit order, and the commands they answer',
    sql: `
CREATE TABLE IF NOT EXISTS events (
  tx_id     xid8   NOT NULL DEFAULT pg_current_xact_id(),
  seq       BIGINT GENERATED ALWAYS AS IDENTITY,
  stream_id TEXT   NOT NULL,
  revision  INTEGER NOT NULL,
  type      TEXT   NOT NULL,
  data      TEXT   NOT NULL,
  metadata  TEXT   NOT NULL,
  PRIMARY KEY (seq),
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision)
);
CREATE INDEX IF NOT EXISTS events_by_position ON events (tx_id, seq);
CREATE TABLE IF NOT EXISTS commands (
  command_id TEXT PRIMARY KEY,
  result     TEXT NOT NULL
);`,
  },
];

/** A position as text: (tx_id, seq), each at a fixed width, so that text order is store order. */
const TX_WIDTH = 20;
const SEQ_WIDTH = 19;
const toCheckpoint = (txId: string, seq: string | number): Checkpoint =>
  `${txId.padStart(TX_WIDTH, '0')}:${String(seq).padStart(SEQ_WIDTH, '0')}`;
const CHECKPOINT = /^(\d{20}):(\d{19})$/;
/** Where a command's stored result gets its position, written by the server (see appendInTransaction). */
const POSITION_SLOT = '@position';
const REVISION_SLOT = '@revision';
const partsOf = (checkpoint: Checkpoint): [string, string] => {
  if (checkpoint === START) return ['0', '0'];
  const match = CHECKPOINT.exec(checkpoint);
  if (!match) throw new Error(`Not a PostgreSQL event store position: ${checkpoint}`);
  return [BigInt(match[1]!).toString(), BigInt(match[2]!).toString()];
};

interface EventRow {
  tx_id: string;
  seq: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

const toRecorded = (row: EventRow): RecordedEvent => ({
  position: toCheckpoint(row.tx_id, row.seq),
  streamId: row.stream_id,
  revision: row.revision,
  type: row.type,
  data: JSON.parse(row.data) as unknown,
  metadata: JSON.parse(row.metadata) as EventMetadata,
});

// Qualified: ORDER BY tx_id would otherwise sort the text aliases ('10' before '9').
const COLUMNS =
  'events.tx_id::text AS tx_id, events.seq::text AS seq, stream_id, revision, type, data, metadata';
const FINAL = 'events.tx_id < pg_snapshot_xmin(pg_current_snapshot())';

const isUniqueViolation = (error: unknown, constraint: string) =>
  error instanceof DatabaseError && error.code === '23505' && error.constraint === constraint;

/** The event store on PostgreSQL: any number of processes may append and follow. */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly now: () => Date;
  private ready?: Promise<void>;
  private closed = false;
  private announcing?: Promise<void>;
  private announceAgain = false;

  constructor(private readonly options: PostgresEventStoreOptions) {
    this.pool = new Pool(postgresPoolSettings(options, 10));
    this.pool.on('error', () => undefined);
    this.now = options.now ?? (() => new Date());
  }

  /** NOTIFY channels are per database: one per schema, so that stores side by side stay apart. */
  private get channel(): string {
    return this.options.schema ? `heard_events_${this.options.schema}` : 'heard_events';
  }

  /** Makes the schema and tables on first use (two processes may race: both are idempotent). */
  private prepared(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        // One process at a time: CREATE … IF NOT EXISTS can still collide on the catalog.
        await client.query('SELECT pg_advisory_lock(hashtext($1))', ['heard-event-store-ddl']);
        if (this.options.schema)
          await client
            .query(`CREATE SCHEMA IF NOT EXISTS ${this.options.schema}`)
            .catch((error: unknown) => {
              // Made at the same moment by another store (the read store in the same schema).
              if (error instanceof DatabaseError && ['23505', '42P06'].includes(error.code ?? ''))
                return;
              throw error;
            });
        await client.query(
          'CREATE TABLE IF NOT EXISTS event_store_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)',
        );
        const { rows } = await client.query<{ version: number }>(
          'SELECT version FROM event_store_schema WHERE id = 1',
        );
        for (const migration of pendingMigrations(
          POSTGRES_EVENT_STORE_MIGRATIONS,
          rows[0]?.version ?? 0,
        )) {
          await client.query('BEGIN');
          try {
            await client.query(migration.sql);
            await client.query(
              `INSERT INTO event_store_schema (id, version) VALUES (1, $1)
               ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
              [migration.version],
            );
            await client.query('COMMIT');
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['heard-event-store-ddl']);
        client.release();
      }
    })().catch((error: unknown) => {
      this.ready = undefined; // the server may be back next time
      throw error;
    });
    return this.ready;
  }

  async append(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (this.closed) throw new Error('Event store is closed');
    if (events.length === 0) throw new Error('Nothing to append');
    await this.prepared();
    // 'any' races other appenders for the next revision: try again with the new one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendOnce(streamId, events, options);
      } catch (error) {
        if (
          options.expectedRevision === 'any' &&
          error instanceof WrongExpectedRevision &&
          attempt < 10
        )
          continue;
        throw error;
      }
    }
  }

  /**
   * One statement, so one round trip and its own transaction: it reads the command's first
   * result and the stream's revision, inserts the events only when there is no result and
   * the revision is the expected one, and records the command's result (its revision and
   * position filled in by the server). Two appenders racing for a revision meet on the
   * (stream, revision) key, two for a command on its key: the loser's statement fails whole.
   */
  private async appendOnce(
    streamId: string,
    events: NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    const { expectedRevision } = options;
    const recordedAt = options.recordedAt ?? this.now().toISOString();
    const params: unknown[] = [
      options.commandId ?? null,
      streamId,
      typeof expectedRevision === 'number' ? 'revision' : expectedRevision,
      typeof expectedRevision === 'number' ? expectedRevision : null,
    ];
    const values = events.map((event, i) => {
      params.push(
        event.type,
        JSON.stringify(event.data),
        JSON.stringify({ ...event.metadata, recordedAt } satisfies EventMetadata),
      );
      const at = params.length;
      return `(${i + 1}, $${at - 2}::text, $${at - 1}::text, $${at}::text)`;
    });
    const result = {
      streamId,
      revision: REVISION_SLOT as unknown as number,
      eventIds: events.map((e) => e.metadata.eventId),
      eventTypes: events.map((e) => e.type),
      duplicate: false,
      ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
    };
    if (options.commandId !== undefined)
      params.push(JSON.stringify({ ...result, duplicate: true, position: POSITION_SLOT }));
    try {
      const { rows } = await this.pool.query<{
        result: string | null;
        current: number | null;
        tx_id: string | null;
        seq: string | null;
        last_revision: number | null;
      }>(
        `WITH seen AS (
           SELECT (SELECT result FROM commands WHERE command_id = $1) AS result,
                  (SELECT MAX(revision) FROM events WHERE stream_id = $2) AS revision
         ), allowed AS (
           SELECT COALESCE(revision, -1) AS current FROM seen
           WHERE result IS NULL AND ($3 = 'any' OR ($3 = 'no_stream' AND revision IS NULL)
                                     OR ($3 = 'revision' AND revision = $4::integer))
         ), inserted AS (
           INSERT INTO events (stream_id, revision, type, data, metadata)
           SELECT $2, allowed.current + v.n, v.type, v.data, v.metadata
           FROM allowed, (VALUES ${values.join(', ')}) AS v (n, type, data, metadata)
           ORDER BY v.n
           RETURNING tx_id, seq, revision
         ), last AS (SELECT tx_id, seq, revision FROM inserted ORDER BY seq DESC LIMIT 1)${
           options.commandId === undefined
             ? ''
             : `, recorded AS (
           INSERT INTO commands (command_id, result)
           SELECT $1, replace(replace($${params.length}, '"${POSITION_SLOT}"',
             '"' || lpad(tx_id::text, ${TX_WIDTH}, '0') || ':' || lpad(seq::text, ${SEQ_WIDTH}, '0') || '"'),
             '"${REVISION_SLOT}"', revision::text)
           FROM last
         )`
         }
         SELECT seen.result, seen.revision AS current, last.tx_id::text AS tx_id,
                last.seq::text AS seq, last.revision AS last_revision
         FROM seen LEFT JOIN last ON true`,
        params,
      );
      const row = rows[0]!;
      if (row.result)
        return this.replayed(JSON.parse(row.result) as AppendResult, streamId, options);
      if (row.tx_id === null || row.seq === null)
        throw new WrongExpectedRevision(streamId, expectedRevision, row.current ?? 'no_stream');
      this.announce();
      return {
        ...result,
        revision: row.last_revision!,
        position: toCheckpoint(row.tx_id, row.seq),
      };
    } catch (error) {
      if (options.commandId && isUniqueViolation(error, 'commands_pkey')) {
        // The same command committed meanwhile from elsewhere: answer its first result.
        const first = await this.findCommandResult(options.commandId);
        if (first) return this.replayed(first, streamId, options);
      }
      if (isUniqueViolation(error, 'events_stream_revision'))
        throw new WrongExpectedRevision(
          streamId,
          expectedRevision,
          (await this.currentRevision(this.pool, streamId)) ?? 'no_stream',
        );
      throw error;
    }
  }

  /**
   * Tells every process that listens (see subscribe) that events were committed: after the
   * commit, one NOTIFY at a time, and one more for whatever committed meanwhile. A NOTIFY
   * inside each append's transaction would make the commits queue on the server's notify
   * lock. A process that dies before it announces is caught by the readers' polling.
   */
  private announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = (async () => {
      do {
        this.announceAgain = false;
        await this.pool
          .query('SELECT pg_notify($1, $2)', [this.channel, ''])
          .catch(() => undefined);
      } while (this.announceAgain && !this.closed);
    })().finally(() => (this.announcing = undefined));
  }

  private replayed(first: AppendResult, streamId: string, options: AppendOptions): AppendResult {
    if (!isSameRequest(first, streamId, options.fingerprint))
      throw new IdempotencyKeyReused(options.commandId!, first.streamId);
    return first;
  }

  private async currentRevision(
    db: Pool | PoolClient,
    streamId: string,
  ): Promise<number | undefined> {
    const { rows } = await db.query<{ revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream_id = $1',
      [streamId],
    );
    return rows[0]?.revision ?? undefined;
  }

  private async commandResult(
    db: Pool | PoolClient,
    commandId: string,
  ): Promise<AppendResult | undefined> {
    const { rows } = await db.query<{ result: string }>(
      'SELECT result FROM commands WHERE command_id = $1',
      [commandId],
    );
    return rows[0] ? (JSON.parse(rows[0].result) as AppendResult) : undefined;
  }

  async findCommandResult(commandId: string): Promise<AppendResult | undefined> {
    await this.prepared();
    return this.commandResult(this.pool, commandId);
  }

  async readStream(
    streamId: string,
    options: { fromRevision?: number } = {},
  ): Promise<RecordedEvent[]> {
    await this.prepared();
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY events.revision`,
      [streamId, options.fromRevision ?? 0],
    );
    return rows.map(toRecorded);
  }

  /** Only events that can no longer be preceded by a late commit (see FINAL). */
  async readAll({ after, limit }: { after: Checkpoint; limit: number }): Promise<RecordedEvent[]> {
    await this.prepared();
    const [tx, seq] = partsOf(after);
    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events
       WHERE (events.tx_id, events.seq) > ($1::xid8, $2::bigint) AND ${FINAL}
       ORDER BY events.tx_id, events.seq LIMIT $3`,
      [tx, seq, limit],
    );
    return rows.map(toRecorded);
  }

  async head(): Promise<Checkpoint> {
    await this.prepared();
    const { rows } = await this.pool.query<{ tx_id: string; seq: string }>(
      `SELECT events.tx_id::text AS tx_id, events.seq::text AS seq FROM events WHERE ${FINAL}
       ORDER BY events.tx_id DESC, events.seq DESC LIMIT 1`,
    );
    return rows[0] ? toCheckpoint(rows[0].tx_id, rows[0].seq) : START;
  }

  async countAfter(after: Checkpoint): Promise<number> {
    await this.prepared();
    const [tx, seq] = partsOf(after);
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT COUNT(*)::text AS n FROM events WHERE (tx_id, seq) > ($1::xid8, $2::bigint)',
      [tx, seq],
    );
    return Number(rows[0]!.n);
  }

  parsePosition(raw: string | number): Checkpoint | undefined {
    if (raw === START) return START;
    return typeof raw === 'string' && CHECKPOINT.test(raw) ? raw : undefined;
  }

  /** Woken by NOTIFY at every commit of any process, and polling besides. */
  subscribe(options: SubscribeOptions): Subscription {
    return followByReading(
      {
        readAll: (o) => this.readAll(o),
        onAppended: (wake) => this.listenForAppends(wake),
        pollIntervalMs: this.options.pollIntervalMs ?? 500,
      },
      options,
    );
  }

  /** LISTENs on a connection of its own; a lost connection only slows to polling until it is back. */
  private listenForAppends(wake: () => void): () => Promise<void> {
    let listener: Client | undefined;
    let stopped = false;
    const { max: _max, ...settings } = postgresPoolSettings(this.options, 1);
    const listen = async () => {
      const client = new Client(settings);
      client.on('notification', wake);
      client.on('error', () => undefined);
      client.on('end', () => {
        if (!stopped) setTimeout(() => void listen().catch(() => undefined), 1000).unref();
      });
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (stopped) await client.end();
      else listener = client;
    };
    void listen().catch(() => undefined);
    return async () => {
      stopped = true;
      await listener?.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.announcing;
    await this.pool.end();
  }
}
