import type { EventMetadata } from '@heard/domain';

/** `no_stream`: the stream must not exist; `any`: no check; a number: the last revision. */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface NewEvent {
  type: string;
  data: unknown;
  /** recordedAt is stamped by the store when it commits. */
  metadata: Omit<EventMetadata, 'recordedAt'>;
}

export interface RecordedEvent<Data = unknown> {
  /** Global, gap-free order of the whole store, starting at 1. */
  position: number;
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
  /** The global position of the last event appended. */
  position: number;
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
}

/** The event store port; every adapter passes `describeEventStoreContract`. */
export interface EventStore {
  append(streamId: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;
  /** Events with a position greater than `after`, in global order. */
  readAll(options: { after: number; limit: number }): Promise<RecordedEvent[]>;
  headPosition(): Promise<number>;
  findCommandResult(commandId: string): Promise<AppendResult | undefined>;
  /** Told (with the new head position) after each commit of this process. */
  onAppended(listener: (head: number) => void): () => void;
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

/** Whether a command seen before under the same key is the same request. */
export const isSameRequest = (
  first: AppendResult,
  streamId: string,
  fingerprint?: string,
): boolean =>
  first.streamId === streamId &&
  (!fingerprint || !first.fingerprint || first.fingerprint === fingerprint);

export const EVENT_STORE = Symbol('EventStore');
