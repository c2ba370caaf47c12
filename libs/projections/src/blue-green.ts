import type { ReadStore, ReadTx } from '@heard/read-store';
import type { Projection } from './projection';

/**
 * A projection rebuilt beside its live tables: its tables (and their indexes) under names
 * ending in `__<suffix>`, written by the projection's own SQL with the names swapped, until
 * one transaction drops the live tables and renames the built ones in their place. Every
 * reader, on every instance, reads the new tables from that commit on.
 *
 * Each build has a suffix of its own, and the indexes keep the build's names after the
 * switch: PostgreSQL names a table's primary key index after the table, and SQLite cannot
 * rename an index, so a name used once is never made again.
 */
export class BuildTables {
  private readonly renames: Map<string, string>;
  private readonly pattern: RegExp;
  private readonly rewritten = new Map<string, string>();

  constructor(
    readonly projection: Projection,
    readonly suffix: string,
    dialect: ReadStore['dialect'],
  ) {
    const names = [...projection.tables, ...indexNames(projection.schema(dialect))];
    this.renames = new Map(names.map((name) => [name, `${name}__${suffix}`]));
    // Whole identifiers only: `follow_ups` is not a part of `follow_ups_completed`.
    this.pattern = new RegExp(`\\b(${names.map(escape).join('|')})\\b`, 'g');
  }

  /** The projection's SQL, aimed at the build's tables. */
  rewrite(sql: string): string {
    let out = this.rewritten.get(sql);
    if (out === undefined) {
      out = sql.replace(this.pattern, (name) => this.renames.get(name) ?? name);
      this.rewritten.set(sql, out);
    }
    return out;
  }

  /** A transaction whose statements write the build's tables instead of the live ones. */
  tx(tx: ReadTx): ReadTx {
    return {
      query: (sql, params) => tx.query(this.rewrite(sql), params),
      execute: (sql, params) => tx.execute(this.rewrite(sql), params),
    };
  }

  /** DDL that makes the build's tables, empty. */
  schema(dialect: ReadStore['dialect']): string {
    return this.rewrite(this.projection.schema(dialect));
  }

  /** Drops the build's tables (an abandoned build). */
  async drop(tx: ReadTx): Promise<void> {
    for (const table of this.projection.tables)
      await tx.execute(`DROP TABLE IF EXISTS ${this.renames.get(table)!}`);
  }

  /** The switch: the live tables dropped, the build's renamed in their place. */
  async replaceLive(tx: ReadTx): Promise<void> {
    for (const table of this.projection.tables) {
      await tx.execute(`DROP TABLE IF EXISTS ${table}`);
      await tx.execute(`ALTER TABLE ${this.renames.get(table)!} RENAME TO ${table}`);
    }
  }
}

/** The names of the indexes a projection's DDL makes. */
export const indexNames = (ddl: string): string[] =>
  [...ddl.matchAll(/CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/gi)].map(
    (m) => m[1]!,
  );

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A suffix no earlier build used: the time in base 36, and a little chance. */
export const newBuildSuffix = (): string =>
  `b${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 2)
    .toString(36)
    .padStart(2, '0')}`;
