import type { EventMetadata } from '@heard/domain';

/** `no_stream`: the stream must not exist; `any`: no check; a number: the last revision. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface NewEvent {
  type: string;
  data: unknown;
  /** recordedAt is stamped by the store when it commits. */
  metadata: Omit<EventMetadata, 'recordedAt'>;
}

/**
 * Where an event is in the whole store, and where a reader resumes: opaque, made by the
 * adapter, and ordered as strings (each adapter writes them at a fixed width), so that
 * `a < b` means `a` comes first. Nothing outside an adapter takes one apart or does
 * arithmetic on it. `START` is before the first event.
 */
export type Checkpoint = string;
export const START: Checkpoint = '';

/** The later of two checkpoints. */
export const later = (a: Checkpoint, b: Checkpoint): Checkpoint => (a > b ? a : b);
/** The earliest of checkpoints (START for none). */
export const earliest = (checkpoints: Checkpoint[]): Checkpoint =>
  checkpoints.reduce((a, b) => (b < a ? b : a), checkpoints[0] ?? START);

export interface RecordedEvent<Data = unknown> {
  /** Its place in the store's global order. */
  position: Checkpoint;
  streamId: string;
  /** Order within the stream, starting at 0. */
  revision: number;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

export interface AppendResult {
  streamId: string;
  /** The stream's last revision after the append. */
  revision: number;
  /** The position of the last event appended. */
  position: Checkpoint;
  eventIds: string[];
  eventTypes: string[];
  /** True when the commandId had been seen: nothing was appended, this is the first result. */
  duplicate: boolean;
  /** The request fingerprint given with the first append, if any. */
  fingerprint?: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  /** Idempotency key: a second append with it writes nothing and returns the first result. */
  commandId?: string;
  /**
   * What the command asked, hashed by the caller: a key seen before with another
   * fingerprint is refused (IdempotencyKeyReused) instead of answering the first result.
   */
  fingerprint?: string;
  /**
   * When the events were first recorded, for events copied from another store (heard store
   * copy); otherwise the store stamps the time of its commit.
   */
  recordedAt?: string;
}

export interface SubscribeOptions {
  /** Start after this position. */
  after: Checkpoint;
  batchSize?: number;
  /** Handles a batch; when it throws, the same batch is retried after a backoff: nothing is skipped. */
  onBatch: (events: RecordedEvent[]) => Promise<void>;
  onError?: (error: unknown, attempt: number) => void;
}

export interface Subscription {
  /** The position of the last event handled. */
  readonly position: Checkpoint;
  stop(): Promise<void>;
}

/** The event store port; every adapter passes `describeEventStoreContract`. */
export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** Events after a position, in global order. */
  readAll(options: { after: Checkpoint; limit: number }): Promise<RecordedEvent[]>;
  /** The position of the last event, START when there is none. */
  head(): Promise<Checkpoint>;
  /** How many events come after a position (lag, progress). */
  countAfter(after: Checkpoint): Promise<number>;
  /**
   * A position given by a client (a read-your-writes token) or kept in a read store, checked
   * and in this adapter's form; undefined when it is not one of this store's positions.
   */
  parsePosition(raw: string | number): Checkpoint | undefined;
  /**
   * Reads from a position, then follows appends, of this process and of others, in global
   * order, without ever skipping one that commits late: the adapter's job.
   */
  subscribe(options: SubscribeOptions): Subscription;
  findCommandResult(commandId: string): Promise<AppendResult | undefined>;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, found ${String(actual)}`);
  }
}

/** The same idempotency key was sent before with a different command. */
export class IdempotencyKeyReused extends Error {
  override readonly name = 'IdempotencyKeyReused';
  constructor(
    readonly commandId: string,
    readonly firstStreamId: string,
  ) {
    super(
      `Idempotency key ${commandId} was first used for another command (on ${firstStreamId}); use a new key for a new command`,
    );
  }
}

/** The store refused an append for its size (EventStoreDB's maximum append or event size). */
export class AppendTooLarge extends Error {
  override readonly name = 'AppendTooLarge';
  constructor(
    readonly streamId: string,
    detail: string,
  ) {
    super(
      `Stream ${streamId}: the event store refused the append for its size (${detail}); shorten the text fields. Nothing was written`,
    );
  }
}

/** Whether a command seen before under the same key is the same request. */
export const isSameRequest = (
  first: AppendResult,
  streamId: string,
  fingerprint?: string,
): boolean =>
  first.streamId === streamId &&
  (!fingerprint || !first.fingerprint || first.fingerprint === fingerprint);

export const EVENT_STORE = Symbol('EventStore');
