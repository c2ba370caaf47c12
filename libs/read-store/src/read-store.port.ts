/**
 * What a projection may do with its database. SQL is written once, portably: `?`
 * placeholders (an adapter renumbers them where its driver wants `$1`), JSON kept as TEXT,
 * upserts as `INSERT … ON CONFLICT (…) DO UPDATE`, which SQLite and PostgreSQL share.
 */
export interface ReadTx {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  execute(sql: string, params?: unknown[]): Promise<void>;
}

export interface ReadStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs DDL (several statements allowed). */
  exec(ddl: string): Promise<void>;
  /** One atomic unit: a projection's rows and its checkpoint commit together or not at all. */
  transaction<T>(work: (tx: ReadTx) => Promise<T>): Promise<T>;
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

/**
 * Rows for many keys in few round trips: `sql` ends in `IN`, and the keys go in lists of a
 * bounded size (a projection batch loads what it will read with this).
 */
export const queryIn = async <Row>(
  tx: Pick<ReadTx, 'query'>,
  sql: string,
  keys: readonly unknown[],
): Promise<Row[]> => {
  const rows: Row[] = [];
  for (const some of chunks([...new Set(keys)], 500))
    rows.push(...(await tx.query<Row>(`${sql} (${placeholders(some.length)})`, some)));
  return rows;
};

/** Rows per statement of `upsertRows`: within both stores' limits on bound values. */
const UPSERT_ROWS_PER_STATEMENT = 500;

/**
 * Writes whole rows in few statements. A row whose key is there already is replaced
 * (`replace`), left as it is (`keep`), or has the row's other columns added to its own
 * (`add`, for counts). Every row has the same columns, and a key appears once (a projection
 * keeps the rows of a batch by key, and writes them once at its end).
 */
export const upsertRows = async (
  tx: Pick<ReadTx, 'execute'>,
  table: string,
  key: readonly string[],
  rows: readonly object[],
  existing: 'replace' | 'keep' | 'add' = 'replace',
): Promise<void> => {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const others = columns.filter((c) => !key.includes(c));
  const set = others.map((c) =>
    existing === 'add' ? `${c} = ${table}.${c} + excluded.${c}` : `${c} = excluded.${c}`,
  );
  const conflict =
    existing === 'keep' || set.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${set.join(', ')}`;
  const row = `(${placeholders(columns.length)})`;
  for (const some of chunks([...rows], UPSERT_ROWS_PER_STATEMENT))
    await tx.execute(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${some.map(() => row).join(', ')}
       ON CONFLICT (${key.join(', ')}) ${conflict}`,
      some.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c])),
    );
};

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

  /** The clauses after a WHERE of the query's own: `AND …` each. */
  and(): string {
    return this.clauses.map((c) => `AND ${c}`).join(' ');
  }
}
