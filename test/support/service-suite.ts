/**
 * A suite that needs a real service (a Kafka broker, a PostgreSQL server): runs against it,
 * or says clearly that it was skipped and why. In CI (CI=true) a missing service fails the
 * run instead: a skipped suite proves nothing. `requiredInCi` false is for a service no CI
 * machine here can run (EventStoreDB): skipped with the reason there too.
 */
export const describeWithService = <T>(
  service: string,
  name: string,
  found: { value: T; shown: string } | undefined,
  why: string,
  suite: (value: T) => void,
  placeholder: T,
  requiredInCi = true,
) => {
  if (found) return describe(`${name} (${found.shown})`, () => suite(found.value));
  if (process.env.CI === 'true' && requiredInCi)
    return describe(name, () =>
      it(`needs a real ${service} in CI`, () => {
        throw new Error(`${service} suite not run: ${why}`);
      }),
    );
  // Written straight to stderr: jest hides console output of suites with no test run.
  process.stderr.write(`\nSKIPPED ${service} suite "${name}": ${why}\n`);
  return describe.skip(`${name} (SKIPPED: ${why})`, () => suite(placeholder));
};
