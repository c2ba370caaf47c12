import { describeWithService } from './service-suite';

/** The EventStoreDB (or KurrentDB) server the EventStoreDB suites run against, if any. */
export const testEsdbUrl = (): string | undefined =>
  process.env.HEARD_TEST_ESDB_URL?.trim() || undefined;

/**
 * An EventStoreDB suite: against the server in HEARD_TEST_ESDB_URL, else skipped with the
 * reason, in CI too: no EventStoreDB or KurrentDB server can run on the machines heard is
 * built on (no package in the registries they reach, no Docker engine).
 */
export const describeWithEsdb = (name: string, suite: (url: string) => void) => {
  const url = testEsdbUrl();
  return describeWithService(
    'EventStoreDB',
    name,
    url ? { value: url, shown: 'EventStoreDB' } : undefined,
    "HEARD_TEST_ESDB_URL is not set; with Docker: docker compose --profile infra up -d eventstore, then HEARD_TEST_ESDB_URL='esdb://localhost:2113?tls=false' (no server can run on heard's build machines, so CI skips this suite too)",
    suite,
    '',
    false,
  );
};
