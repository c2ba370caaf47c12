import type { Checkpoint } from '@heard/event-store';
import type { ProjectionRules } from '@heard/projections';

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
}

export type ToThread =
  | { type: 'start'; id: number }
  | { type: 'stop'; id: number }
  | { type: 'rebuild'; id: number; names: string[] }
  /** The API thread committed appends: read them now. */
  | { type: 'appended' };

export type FromThread =
  | { type: 'done'; id: number; positions: Array<[string, Checkpoint]> }
  | { type: 'failed'; id: number; message: string }
  /** A batch committed: the projections' positions after it. */
  | { type: 'applied'; positions: Array<[string, Checkpoint]> }
  | { type: 'progress'; eventsRead: number; events: number }
  | { type: 'log'; level: 'log' | 'error'; message: string };
