import type { Checkpoint } from '@heard/event-store';
import type { KafkaTransportOptions } from '@heard/messaging';
import type { ProjectionRules, RebuildProgress } from '@heard/projections';

/**
 * With Kafka, the outbox relay and the event publisher run in the projections thread too:
 * their sends, the messages' JSON and their commits stay off the API thread.
 */
export interface OutboundThreadSettings {
  kafka: Omit<KafkaTransportOptions, 'log'>;
  relayIntervalMs: number;
  publishBatch: number;
  maxBatchBytes: number;
}

export type OutboundPart = 'relay' | 'publisher';

/** What the thread's relay and publisher report (their status() in the thread). */
export interface OutboundStatus {
  relay: { relayed: number; running: boolean; progressAt: number };
  publisher: {
    position: Checkpoint;
    published: number;
    running: boolean;
    progressAt: number;
    failing: string | undefined;
  };
  /** Messages the thread's producer sent. */
  produced: number;
}

/** What the projections thread is started with. */
export interface ProjectionsThreadData {
  eventStoreFile: string;
  readStoreFile: string;
  /** The API thread's read store's `writeGate`: the two take turns at the write lock. */
  readStoreWriteGate: SharedArrayBuffer;
  /** The master key's bytes: the thread opens customers' words as the API thread does. */
  masterKey: Uint8Array;
  rules: ProjectionRules;
  batchSize: number;
  outbound?: OutboundThreadSettings;
}

export type ToThread =
  | { type: 'start'; id: number }
  | { type: 'stop'; id: number }
  | { type: 'rebuild'; id: number; names: string[] }
  | { type: 'outbound'; id: number; part: OutboundPart; action: 'start' | 'stop' }
  /** The scheduler queued messages: the relay sends them now. */
  | { type: 'poke-relay' }
  /** The API thread committed appends: read them now. */
  | { type: 'appended' };

export type FromThread =
  | {
      type: 'done';
      id: number;
      positions: Array<[string, Checkpoint]>;
      builds: Array<[string, RebuildProgress]>;
    }
  | { type: 'failed'; id: number; message: string }
  /** A batch committed: the projections' positions after it, and their builds. */
  | {
      type: 'applied';
      positions: Array<[string, Checkpoint]>;
      builds: Array<[string, RebuildProgress]>;
    }
  | { type: 'progress'; eventsRead: number; events: number }
  | { type: 'log'; level: 'log' | 'error'; message: string }
  | { type: 'outbound-status'; status: OutboundStatus };
