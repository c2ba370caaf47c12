import { createHash } from 'node:crypto';
import type { EventMetadata } from '@heard/domain';
import {
  START,
  WrongExpectedRevision,
  type Checkpoint,
  type ExpectedRevision,
} from '../event-store.port';

/**
 * What the EventStoreDB adapter decides without a server: positions, event ids, metadata,
 * errors and the reconnect policy. Kept apart so that all of it is tested here, where no
 * server can run.
 */

/** A position in $all: the commit and prepare positions of the transaction log. */
interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

const WIDTH = 20; // digits of an unsigned 64-bit number
const CHECKPOINT = /^(\d{20}):(\d{20})$/;

/** As text at a fixed width, so that text order is log order (commit first, then prepare). */
export const toEsdbCheckpoint = ({ commit, prepare }: LogPosition): Checkpoint =>
  `${commit.toString().padStart(WIDTH, '0')}:${prepare.toString().padStart(WIDTH, '0')}`;

/** The log position of a checkpoint of this adapter; undefined for START or a foreign one. */
export const fromEsdbCheckpoint = (checkpoint: Checkpoint): LogPosition | undefined => {
  const match = CHECKPOINT.exec(checkpoint);
  return match ? { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) } : undefined;
};

/** A position a client or a read store gave back, if it is one of this adapter's. */
export const parseEsdbPosition = (raw: string | number): Checkpoint | undefined => {
  if (raw === START) return START;
  return typeof raw === 'string' && CHECKPOINT.test(raw) ? raw : undefined;
};

/**
 * The server-side id of the `index`th event of a command: the same on every retry of the
 * command, from any instance, so that EventStoreDB's own duplicate check (best effort: it
 * looks at the events it still has in memory for the stream) can catch a retried append.
 * A UUID (version 8: name-based, SHA-256) made from heard's namespace, the id and the index.
 */
export const esdbEventId = (commandId: string, index: number): string => {
  const bytes = createHash('sha256').update(`heard:event:${commandId}:${index}`).digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * heard's metadata as EventStoreDB keeps it: correlation and causation under the names its
 * own projections and UI use ($correlationId, $causationId), the rest as heard names it.
 */
export const toEsdbMetadata = (
  metadata: Omit<EventMetadata, 'recordedAt'> & { recordedAt?: string },
): Record<string, unknown> => {
  const { correlationId, causationId, recordedAt, ...rest } = metadata;
  return {
    $correlationId: correlationId,
    $causationId: causationId,
    ...rest,
    // Kept only when a copy carries the source's time: otherwise the server's `created` is
    // the time of record, one clock for every instance (a process's own may run behind).
    ...(recordedAt === undefined ? {} : { recordedAt }),
  };
};

/** Back to heard's metadata; `created` (the server's time of record) when none was kept. */
export const fromEsdbMetadata = (raw: unknown, created: Date): EventMetadata => {
  const { $correlationId, $causationId, recordedAt, ...rest } = (raw ?? {}) as Record<
    string,
    unknown
  >;
  return {
    ...(rest as Omit<EventMetadata, 'correlationId' | 'causationId' | 'recordedAt'>),
    correlationId: typeof $correlationId === 'string' ? $correlationId : '',
    causationId: typeof $causationId === 'string' ? $causationId : '',
    recordedAt: typeof recordedAt === 'string' ? recordedAt : created.toISOString(),
  };
};

/** The prefixes of the streams heard writes its events to (its aggregates' and erasures'). */
const AGGREGATE_PREFIXES = ['case-', 'issue-', 'change-', 'incident-', 'customer-', 'kpi-'];

/** Where heard's streams live on a server shared with other applications, unless told. */
export const DEFAULT_STREAM_PREFIX = 'heard-';
const STREAM_PREFIX = /^[A-Za-z0-9._:-]{0,50}$/;
const PREFIX_PARAMETER = 'heardStreamPrefix';

/**
 * heard's streams on the server: each under a prefix of its own (`heard-case-c1` for heard's
 * `case-c1`), so that the live subscription is filtered on the server to heard's events only,
 * and another application's `case-…` streams are never taken for heard's. The prefix may be
 * empty: the streams of a store written before prefixes (heard before 2026-12) have none.
 */
export class HeardStreams {
  constructor(readonly prefix = DEFAULT_STREAM_PREFIX) {
    if (!STREAM_PREFIX.test(prefix))
      throw new Error(
        `${PREFIX_PARAMETER} must be at most 50 letters, digits, ".", "_", ":" or "-" (got ${JSON.stringify(prefix.slice(0, 60))})`,
      );
  }

  /** The server's name of heard's stream. */
  onServer(streamId: string): string {
    return `${this.prefix}${streamId}`;
  }

  /** heard's id of a server stream of its events; undefined for any other (the server's, another application's, heard's command records). */
  fromServer(serverStreamId: string, type: string): string | undefined {
    if (type.startsWith('$') || !serverStreamId.startsWith(this.prefix)) return undefined;
    const streamId = serverStreamId.slice(this.prefix.length);
    return AGGREGATE_PREFIXES.some((p) => streamId.startsWith(p)) ? streamId : undefined;
  }

  /** The stream that keeps a command's first result (EventStoreDB writes one stream at a time). */
  command(commandId: string): string {
    // Without a prefix, where heard kept them before prefixes.
    return `${this.prefix || DEFAULT_STREAM_PREFIX}command-${commandId}`;
  }

  /** The prefixes the server filters heard's events by. */
  eventPrefixes(): string[] {
    return AGGREGATE_PREFIXES.map((p) => `${this.prefix}${p}`);
  }
}

/**
 * A connection string as given to heard: the client's own, plus heard's `heardStreamPrefix`
 * (taken out before the client reads it; default `heard-`, empty for no prefix).
 */
export const parseEsdbLocation = (url: string): { clientUrl: string; streams: HeardStreams } => {
  const match = new RegExp(`([?&])${PREFIX_PARAMETER}=([^&#]*)`).exec(url);
  if (!match) return { clientUrl: url, streams: new HeardStreams() };
  const rest = url.slice(0, match.index) + match[1] + url.slice(match.index + match[0].length);
  const clientUrl = rest.replace(/[?&]&/, match[1]!).replace(/[?&]$/, '');
  return { clientUrl, streams: new HeardStreams(decodeURIComponent(match[2]!)) };
};

/** The port's expected revision in the client's terms. */
export const toEsdbExpectedRevision = (expected: ExpectedRevision): 'any' | 'no_stream' | bigint =>
  expected === 'any' || expected === 'no_stream' ? expected : BigInt(expected);

/** The client's wrong-expected-version error as the port's typed conflict. */
export const toWrongExpectedRevision = (
  streamId: string,
  expected: ExpectedRevision,
  current: unknown,
): WrongExpectedRevision =>
  new WrongExpectedRevision(
    streamId,
    expected,
    typeof current === 'bigint' ? Number(current) : 'no_stream',
  );

/**
 * How long to wait before the `attempt`th try to reach the server again: doubling from
 * 250 ms, at most 10 s, never zero. `jitter` (0 to 1) spreads instances that lost it at once.
 */
export const reconnectDelayMs = (attempt: number, jitter = 0): number => {
  const base = Math.min(250 * 2 ** Math.max(0, attempt - 1), 10_000);
  return Math.round(base * (1 - 0.5 * Math.min(Math.max(jitter, 0), 1)));
};
