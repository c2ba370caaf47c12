// What the bench (apps/bench/src) asks of its peers. The bench imports this file for its types
// only; the peers' own code, with its own dependencies, implements it (index.ts).

export interface PeerEvent {
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** One of Emmett's event stores, used as the bench uses heard's: new streams, then read back. */
export interface PeerStore {
  /** Appends events to a stream that must not exist yet. */
  appendNew(streamId: string, events: PeerEvent[]): Promise<void>;
  close(): Promise<void>;
}

export interface PeerSqliteStore extends PeerStore {
  /** Reads every event back in global order, `pageSize` at a time; answers how many. */
  readAllCount(pageSize: number): Promise<number>;
}

export interface Peers {
  /** Emmett's SQLite store on one shared connection, WAL, synchronous=FULL, tables made. */
  openEmmettSqlite(fileName: string): Promise<PeerSqliteStore>;
  /** Emmett's PostgreSQL store, its tables made. */
  openEmmettPostgres(url: string): Promise<PeerStore>;
  /** The script of Emmett's web API (an Express app), to fork with `[pgUrl, port]`. */
  emmettWebApiScript: string;
}
