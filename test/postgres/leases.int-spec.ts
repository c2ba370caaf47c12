import { Client } from 'pg';
import { postgresLocation } from '@heard/config';
import { LocalLeases, PostgresLeases, type LeasedRole } from '@heard/read-store';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';

const quiet = { log: () => undefined, error: () => undefined };

/** A role that records whether it runs. */
const role = (): LeasedRole & { running: boolean; starts: number } => {
  const r = {
    running: false,
    starts: 0,
    start: () => {
      r.running = true;
      r.starts += 1;
      return Promise.resolve();
    },
    stop: () => {
      r.running = false;
      return Promise.resolve();
    },
  };
  return r;
};

const until = async (check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('LocalLeases (the embedded default)', () => {
  it('runs every role at once, and stops them at close', async () => {
    const leases = new LocalLeases();
    const r = role();
    await leases.run('projections', r);
    expect(r.running).toBe(true);
    expect(leases.status()).toEqual([expect.objectContaining({ name: 'projections', held: true })]);
    await leases.close();
    expect(r.running).toBe(false);
  });
});

describeWithPostgres('PostgresLeases (advisory locks)', (url) => {
  const schema = uniqueSchema();
  const location = postgresLocation(`${url}?schema=${schema}`);
  const open: PostgresLeases[] = [];
  const leases = (identity: string) => {
    const l = new PostgresLeases(location, quiet, 100, identity);
    open.push(l);
    return l;
  };
  afterEach(async () => {
    for (const l of open.splice(0)) await l.close();
  });
  afterAll(() => dropSchema(url, schema));

  it('runs a role on one instance only, and says who holds it', async () => {
    const [a, b] = [leases('host-a:1'), leases('host-b:2')];
    const [ra, rb] = [role(), role()];
    await a.run('projections', ra);
    await b.run('projections', rb);
    expect([ra.running, rb.running]).toEqual([true, false]);
    expect(b.status()).toEqual([{ name: 'projections', held: false, holder: 'host-a:1' }]);
    // Another lease name is another lock.
    const rp = role();
    await b.run('publisher', rp);
    expect(rp.running).toBe(true);
  });

  it('a lease of another schema is another lock', async () => {
    const other = new PostgresLeases(
      postgresLocation(`${url}?schema=${schema}_b`),
      quiet,
      100,
      'c',
    );
    open.push(other);
    const [ra, rb] = [role(), role()];
    await leases('a').run('projections', ra);
    await other.run('projections', rb);
    expect([ra.running, rb.running]).toEqual([true, true]);
  });

  it('another instance takes over when the holder closes', async () => {
    const [a, b] = [leases('a:1'), leases('b:2')];
    const [ra, rb] = [role(), role()];
    await a.run('relay', ra);
    await b.run('relay', rb);
    await a.close();
    await until(() => rb.running);
    expect(ra.running).toBe(false);
  });

  it("when the holder's session dies, it stops its role and another instance runs it", async () => {
    const [a, b] = [leases('dying:1'), leases('standby:2')];
    const [ra, rb] = [role(), role()];
    await a.run('scheduler', ra);
    await b.run('scheduler', rb);
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'heard dying:1'`,
      );
      expect(rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await until(() => rb.running && !ra.running);
    // The old holder reconnects and stands by: it does not take the lease back.
    await new Promise((r) => setTimeout(r, 400));
    expect([ra.running, rb.running, ra.starts]).toEqual([false, true, 1]);
    expect(a.status()).toEqual([{ name: 'scheduler', held: false, holder: 'standby:2' }]);
  });

  it('a role that cannot start rejects run and leaves the lease to others', async () => {
    const a = leases('broken:1');
    const refusal = new Error('schema too new');
    await expect(
      a.run('projections', { start: () => Promise.reject(refusal), stop: () => Promise.resolve() }),
    ).rejects.toBe(refusal);
    const rb = role();
    await leases('b:2').run('projections', rb);
    expect(rb.running).toBe(true);
  });
});
