import { queryIn, upsertRows, type ReadTx } from '@heard/read-store';

/**
 * The rows of one table that a projection batch reads and changes, held in memory: read in
 * a few `IN (…)` queries before the batch, changed event by event, written at its end in a
 * few multi-row statements. On PostgreSQL that is a handful of round trips per batch instead
 * of a few per event. Only the projection writes these tables, so nothing else changes a
 * row while the batch holds it. A row is written whole: one inserted under a key that is
 * stored but was not loaded replaces the stored one, so load every key the batch inserts
 * unless the row inserted is the same whatever was there.
 */
export class BatchRows<Row extends object> {
  private readonly rows = new Map<string, Row>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly table: string,
    private readonly key: readonly (keyof Row & string)[],
  ) {}

  /** Adds the stored rows whose `column` is one of `values`; rows held already stay. */
  async load(tx: ReadTx, column: keyof Row & string, values: readonly unknown[]): Promise<this> {
    for (const row of await queryIn<Row>(
      tx,
      `SELECT * FROM ${this.table} WHERE ${column} IN`,
      values,
    ))
      if (!this.rows.has(this.id(row))) this.rows.set(this.id(row), row);
    return this;
  }

  /** The row of this key (its values in the key's order). */
  get(...key: unknown[]): Row | undefined {
    return this.rows.get(key.map(String).join('\u0000'));
  }

  all(): Row[] {
    return [...this.rows.values()];
  }

  /** Rows held that match. */
  filter(match: (row: Row) => boolean): Row[] {
    return [...this.rows.values()].filter(match);
  }

  /** A new row; one of the same key stays as it is (INSERT … ON CONFLICT DO NOTHING). */
  insert(row: Row): void {
    const id = this.id(row);
    if (this.rows.has(id)) return;
    this.rows.set(id, row);
    this.changed.add(id);
  }

  change(row: Row, values: Partial<Row>): void {
    Object.assign(row, values);
    this.changed.add(this.id(row));
  }

  /** Writes the rows inserted or changed. */
  async save(tx: ReadTx): Promise<void> {
    await upsertRows(
      tx,
      this.table,
      this.key,
      [...this.changed].map((id) => this.rows.get(id)!),
    );
    this.changed.clear();
  }

  private id(row: Row): string {
    return this.key.map((k) => String(row[k])).join('\u0000');
  }
}
