import type { RecordedEvent } from '@heard/event-store';
import type { ReadStore, ReadTx } from '@heard/read-store';

/** A read model fed from the event store, one batch of events per transaction. */
export interface Projection {
  readonly name: string;
  /**
   * Bump when the rows or the tables change (a column, an index): at start, the runner builds
   * it from the first event beside the live tables, and switches once it has caught up.
   */
  readonly version: number;
  /** Its tables, replaced whole by a build. */
  readonly tables: readonly string[];
  /** DDL that creates its tables and indexes: run for a new projection and for each build. */
  schema(dialect: ReadStore['dialect']): string;
  /** Writes its rows; messages it owes the outside world go to the outbox (`enqueueOutbound`). */
  apply(events: RecordedEvent[], tx: ReadTx): Promise<void>;
  /**
   * A customer was erased (CustomerErased): replace what its rows copied of their words with
   * ERASED, keeping every row and count. Projections that copy no free text have none.
   */
  forgetCustomer?(tx: ReadTx, customerId: string): Promise<void>;
}
