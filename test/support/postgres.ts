import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The server the PostgreSQL suites run against: .ci/run sets it; locally, e.g. postgres://postgres@127.0.0.1:5432/test. */
export const testPostgresUrl = (): string | undefined =>
  process.env.HEARD_TEST_PG_URL?.trim() || undefined;

/**
 * A PostgreSQL suite: runs against the real server, or says clearly that it was skipped
 * and why. In CI (CI=true) a missing server fails the run: a skipped suite proves nothing.
 */
export const describeWithPostgres = (name: string, suite: (url: string) => void) => {
  const url = testPostgresUrl();
  if (url) return describe(`${name} (PostgreSQL)`, () => suite(url));
  const why =
    'HEARD_TEST_PG_URL is not set; point it at a database, e.g. HEARD_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test (scripts/postgres.sh ensure makes one)';
  if (process.env.CI === 'true')
    return describe(name, () =>
      it('needs a real PostgreSQL in CI', () => {
        throw new Error(`PostgreSQL suite not run: ${why}`);
      }),
    );
  process.stderr.write(`\nSKIPPED PostgreSQL suite "${name}": ${why}\n`);
  return describe.skip(`${name} (SKIPPED: ${why})`, () => suite(''));
};

/** A schema name of its own, so tests sharing a database never see each other's tables. */
export const uniqueSchema = () => `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;

export const dropSchema = async (url: string, schema: string) => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
};
