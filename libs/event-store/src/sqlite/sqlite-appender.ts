import type { SqliteDatabase } from '@heard/config';
import type { EventMetadata } from '@heard/domain';
import {
  IdempotencyKeyReused,
  isSameRequest,
  WrongExpectedRevision,
  type AppendResult,
  type Checkpoint,
  type ExpectedRevision,
} from '../event-store.port';

/**
 * SQLite's position is the event's rowid: taken at commit by the one writer, so readers
 * never see a lower one appear later. As a checkpoint it is written in 16 digits (2^53 has
 * 16), so that checkpoints order as strings.
 */
const WIDTH = 16;
export const toCheckpoint = (rowid: number): Checkpoint => String(rowid).padStart(WIDTH, '0');

/** One append as the writer connection takes it: plain data, so that it can cross threads. */
export interface AppendRequest {
  streamId: string;
  events: Array<{
    type: string;
    /** The data as JSON, made once by the caller. */
    dataJson: string;
    metadata: Omit<EventMetadata, 'recordedAt'>;
  }>;
  expectedRevision: ExpectedRevision;
  commandId?: string;
  fingerprint?: string;
  recordedAt: string;
}

/** What became of one append of a batch: its result, or the rule that refused it. */
export type AppendOutcome =
  | { ok: true; result: AppendResult }
  | {
      ok: false;
      refused:
        | {
            rule: 'expected_revision';
            streamId: string;
            expected: ExpectedRevision;
            actual: number | 'no_stream';
          }
        | { rule: 'idempotency_key_reused'; commandId: string; firstStreamId: string };
    };

/** The refusal as the error the port names. */
export const refusalError = (outcome: Extract<AppendOutcome, { ok: false }>): Error => {
  const refused = outcome.refused;
  return refused.rule === 'expected_revision'
    ? new WrongExpectedRevision(refused.streamId, refused.expected, refused.actual)
    : new IdempotencyKeyReused(refused.commandId, refused.firstStreamId);
};

interface CommandRow {
  stream_id: string;
  position: number;
  count: number;
  fingerprint: string | null;
}

/**
 * The write half of the SQLite event store on one connection: a batch of appends committed
 * in one IMMEDIATE transaction (one fsync), each checked on its own (expected revision,
 * idempotency). Used in the calling thread, or in the append thread (sqlite-append.worker).
 */
export class SqliteAppender {
  private readonly stmt;

  constructor(private readonly db: SqliteDatabase) {
    this.stmt = {
      streamRevision: db.prepare<[string], { revision: number | null }>(
        'SELECT MAX(revision) AS revision FROM events WHERE stream_id = ?',
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?)',
      ),
      findCommand: db.prepare<[string], CommandRow>(
        'SELECT stream_id, position, count, fingerprint FROM commands WHERE command_id = ?',
      ),
      insertCommand: db.prepare(
        'INSERT INTO commands (command_id, stream_id, position, count, fingerprint) VALUES (?, ?, ?, ?, ?)',
      ),
      eventsAt: db.prepare<[number, number], { revision: number; type: string; metadata: string }>(
        'SELECT revision, type, metadata FROM events WHERE position BETWEEN ? AND ? ORDER BY position',
      ),
    };
  }

  /** Commits the batch; throws (nothing written) only when the transaction itself failed. */
  commit(batch: AppendRequest[]): AppendOutcome[] {
    const outcomes: AppendOutcome[] = [];
    this.db
      .transaction(() => {
        for (const request of batch) outcomes.push(this.appendOne(request));
      })
      .immediate();
    return outcomes;
  }

  private appendOne(request: AppendRequest): AppendOutcome {
    const { streamId, events, expectedRevision, commandId, fingerprint } = request;
    if (commandId) {
      const first = this.commandResult(commandId);
      if (first) {
        if (!isSameRequest(first, streamId, fingerprint))
          return {
            ok: false,
            refused: { rule: 'idempotency_key_reused', commandId, firstStreamId: first.streamId },
          };
        return { ok: true, result: first };
      }
    }
    const current = this.stmt.streamRevision.get(streamId)?.revision ?? undefined;
    const matches =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream' ? current === undefined : current === expectedRevision);
    if (!matches)
      return {
        ok: false,
        refused: {
          rule: 'expected_revision',
          streamId,
          expected: expectedRevision,
          actual: current ?? 'no_stream',
        },
      };

    let revision = current ?? -1;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const metadata: EventMetadata = { ...event.metadata, recordedAt: request.recordedAt };
      const info = this.stmt.insertEvent.run(
        streamId,
        revision,
        event.type,
        event.dataJson,
        JSON.stringify(metadata),
      );
      position = Number(info.lastInsertRowid);
    }
    if (commandId)
      this.stmt.insertCommand.run(
        commandId,
        streamId,
        position,
        events.length,
        fingerprint ?? null,
      );
    return {
      ok: true,
      result: {
        streamId,
        revision,
        position: toCheckpoint(position),
        eventIds: events.map((e) => e.metadata.eventId),
        eventTypes: events.map((e) => e.type),
        duplicate: false,
        ...(fingerprint ? { fingerprint } : {}),
      },
    };
  }

  /** The first result of a command, rebuilt from its record and its events. */
  commandResult(commandId: string): AppendResult | undefined {
    const seen = this.stmt.findCommand.get(commandId);
    if (!seen) return undefined;
    const events = this.stmt.eventsAt.all(seen.position - seen.count + 1, seen.position);
    return {
      streamId: seen.stream_id,
      revision: events[events.length - 1]!.revision,
      position: toCheckpoint(seen.position),
      eventIds: events.map((e) => (JSON.parse(e.metadata) as EventMetadata).eventId),
      eventTypes: events.map((e) => e.type),
      duplicate: true,
      ...(seen.fingerprint ? { fingerprint: seen.fingerprint } : {}),
    };
  }
}
