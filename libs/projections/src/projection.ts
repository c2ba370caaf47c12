import type { RecordedEvent } from '@heard/event-store';
import type { ReadStore, ReadTx } from '@heard/read-store';

/** A read model fed from the event store, one batch of events per transaction. */
export interface Projection {
  readonly name: string;
  /** Bump when the rows change meaning: at start, the runner rebuilds it from the first event. */
  readonly version: number;
  /** Its tables, emptied by a rebuild. */
  readonly tables: readonly string[];
  /** DDL that creates its tables if missing. */
  schema(dialect: ReadStore['dialect']): string;
  /** Writes its rows; messages it owes the outside world go to the outbox (`enqueueOutbound`). */
  apply(events: RecordedEvent[], tx: ReadTx): Promise<void>;
  /**
   * A customer was erased (CustomerErased): replace what its rows copied of their words with
   * ERASED, keeping every row and count. Projections that copy no free text have none.
   */
  forgetCustomer?(tx: ReadTx, customerId: string): Promise<void>;
}
