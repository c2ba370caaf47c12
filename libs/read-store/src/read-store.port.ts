/**
 * What a projection may do with its database. SQL is written once, portably: `?`
 * placeholders (an adapter renumbers them where its driver wants `$1`), JSON kept as TEXT,
 * upserts as `INSERT … ON CONFLICT (…) DO UPDATE`, which SQLite and PostgreSQL share.
 */
export interface ReadTx {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  execute(sql: string, params?: unknown[]): Promise<void>;
}

export interface TransactionOptions {
  /**
   * Statements that return nothing (`execute`) may be held and sent together, at the next
   * `query` or at the commit: a projection batch in few round trips. An error of one of them
   * then shows there, and the transaction fails as a whole all the same.
   */
  batchWrites?: boolean;
}

export interface ReadStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs DDL (several statements allowed). */
  exec(ddl: string): Promise<void>;
  /** One atomic unit: a projection's rows and its checkpoint commit together or not at all. */
  transaction<T>(work: (tx: ReadTx) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Reads committed rows only. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export const READ_STORE = Symbol('ReadStore');

/** Splits a list, e.g. ids for `IN (…)` lists of a bounded size. */
export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/** `IN (?, ?, …)` for n values. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** WHERE clauses and their parameters, for queries with optional filters. */
export class SqlFilter {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  /** Adds `clause` (one `?`) only when the value is given. */
  when(value: unknown, clause: string): this {
    return value === undefined || value === null || value === '' ? this : this.add(clause, value);
  }

  get where(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}
