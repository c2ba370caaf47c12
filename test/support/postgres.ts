import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { describeWithService } from './service-suite';

/** The server the PostgreSQL suites run against: .ci/run sets it; locally, e.g. postgres://postgres@127.0.0.1:5432/test. */
export const testPostgresUrl = (): string | undefined =>
  process.env.HEARD_TEST_PG_URL?.trim() || undefined;

/** A PostgreSQL suite: against the real server, skipped with the reason, failed in CI without one. */
export const describeWithPostgres = (name: string, suite: (url: string) => void) => {
  const url = testPostgresUrl();
  return describeWithService(
    'PostgreSQL',
    name,
    url ? { value: url, shown: 'PostgreSQL' } : undefined,
    'HEARD_TEST_PG_URL is not set; point it at a database, e.g. HEARD_TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test (scripts/postgres.sh createdb makes one)',
    suite,
    '',
  );
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
