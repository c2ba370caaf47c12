import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore } from '@heard/event-store';
import type { ReadStore } from '@heard/read-store';
import { describeOnEachReadStore } from '../../../test/support/read-stores';
import { newEvent } from '../../event-store/src/testing/event-store.contract';
import { BuildTables } from './blue-green';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

/**
 * A projection whose rows say which version wrote them: one row per stream, counting its
 * events. Version 2 counts the same events, so a reader sees the switch (the version) and
 * whether anything went backwards (the count).
 */
const probe = (version: number, msPerBatch = 0): Projection => ({
  name: 'probe',
  version,
  tables: ['probe_rows'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS probe_rows (
      stream  TEXT PRIMARY KEY,
      events  BIGINT NOT NULL,
      version INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS probe_rows_by_version ON probe_rows (version);`,
  async apply(events, tx) {
    // A build slow enough to be watched.
    if (msPerBatch) await new Promise((resolve) => setTimeout(resolve, msPerBatch));
    for (const event of events)
      await tx.execute(
        `INSERT INTO probe_rows (stream, events, version) VALUES (?, 1, ?)
         ON CONFLICT (stream) DO UPDATE SET events = probe_rows.events + 1, version = excluded.version`,
        [event.streamId, version],
      );
  },
});

const append = async (events: EventStore, streams: number, each: number) => {
  for (let s = 0; s < streams; s++)
    await events.append(
      `probe-${randomUUID()}`,
      Array.from({ length: each }, () => newEvent('Probed')),
      { expectedRevision: 'no_stream' },
    );
};

interface ProbeRead {
  events: number;
  minVersion: number;
  maxVersion: number;
}

const readProbe = async (reads: ReadStore): Promise<ProbeRead> => {
  const [row] = await reads.query<ProbeRead>(
    'SELECT COALESCE(SUM(events), 0) AS events, MIN(version) AS "minVersion", MAX(version) AS "maxVersion" FROM probe_rows',
  );
  return { ...row!, events: Number(row!.events) };
};

/** Tables whose names start with `probe_rows` (the live one, and any build's). */
const probeTables = async (reads: ReadStore): Promise<string[]> =>
  (
    await reads.query<{ name: string }>(
      reads.dialect === 'sqlite'
        ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'probe_rows%' ORDER BY name"
        : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'probe_rows%' ORDER BY table_name",
    )
  ).map((r) => r.name);

const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('BuildTables', () => {
  it("aims a projection's SQL at the build's tables and indexes, whole names only", () => {
    const tables = new BuildTables(probe(1), 'bx', 'sqlite');
    expect(
      tables.rewrite('UPDATE probe_rows SET events = probe_rows.events + 1, probe_rows_x = 1'),
    ).toBe('UPDATE probe_rows__bx SET events = probe_rows__bx.events + 1, probe_rows_x = 1');
    expect(tables.schema('sqlite')).toContain(
      'CREATE INDEX IF NOT EXISTS probe_rows_by_version__bx ON probe_rows__bx (version)',
    );
  });
});

describeOnEachReadStore('blue/green projections', (site) => {
  jest.setTimeout(60_000);
  let dir: string;
  const logs: string[] = [];
  const logger = { log: (m: string) => logs.push(m), error: (m: string) => logs.push(m) };
  let closing: Array<() => Promise<void>> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'heard-bluegreen-'));
    logs.length = 0;
  });
  afterEach(async () => {
    for (const close of closing.reverse()) await close();
    closing = [];
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (version: number, batchSize = 2000, msPerBatch = 0) => {
    const events = new SqliteEventStore(join(dir, 'events.db'));
    const reads = site.open();
    const runner = new ProjectionRunner(
      events,
      reads,
      [probe(version, msPerBatch)],
      logger,
      batchSize,
    );
    closing.push(async () => {
      await runner.stop();
      await reads.close();
      await events.close();
    });
    return { events, reads, runner };
  };

  /** Version 1 built and stopped over `streams` streams of 10 events. */
  const builtAtVersion1 = async (streams: number) => {
    const first = open(1);
    await append(first.events, streams, 10);
    await first.runner.start();
    expect(await first.runner.waitFor(await first.events.head(), 10_000)).toBe(true);
    await first.runner.stop();
  };

  it('builds a new version beside the old while commands flow: reads never fail or go backwards, one switch, the old tables gone', async () => {
    await builtAtVersion1(100);
    // Each batch of the build takes longer than the gap between writes, as on a busy
    // machine: there is always something newer than the batch just applied.
    const second = open(2, 50, 10);
    const seen: ProbeRead[] = [];
    const failures: unknown[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) {
        await readProbe(second.reads).then(
          (r) => seen.push(r),
          (e: unknown) => failures.push(e),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let writing = true;
    // Commands flowing: a few a millisecond, as a busy organisation records them.
    const writer = (async () => {
      while (writing) {
        await append(second.events, 1, 3);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    try {
      await second.runner.start();
      // The old version serves while the new one is built: its tables are not applied meanwhile.
      expect(second.runner.status()[0]!.rebuilding).toMatchObject({ version: 2, liveVersion: 1 });
      await until(() => second.runner.status()[0]!.rebuilding === undefined);
      writing = false;
      await writer;
      expect(await second.runner.waitFor(await second.events.head(), 10_000, ['probe'])).toBe(true);
      // One read after the last write was applied.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      writing = false;
      reading = false;
      await Promise.all([writer, reader]);
    }
    expect(failures).toEqual([]);
    for (const r of seen) expect(r.minVersion).toBe(r.maxVersion); // never a mix
    const versions = seen.map((r) => r.maxVersion);
    expect(versions[0]).toBe(1);
    expect(versions.filter((v, i) => i > 0 && v !== versions[i - 1])).toEqual([2]); // one switch
    const counts = seen.map((r) => r.events);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect((await readProbe(second.reads)).events).toBe(await second.events.countAfter(''));
    expect(await probeTables(second.reads)).toEqual(['probe_rows']);
    expect(logs.filter((l) => l.includes('switched to'))).toHaveLength(1);
  });

  it('resumes a build a crash interrupted, from where it stood', async () => {
    await builtAtVersion1(60);
    // Slow enough for the crash to come mid-build on a fast machine too.
    const second = open(2, 20, 20);
    await second.runner.start();
    await until(() => (second.runner.status()[0]!.rebuilding?.eventsDone ?? 0) >= 100);
    // What a crash leaves: the committed batches of the build, and its tables.
    await second.runner.stop();
    const [row] = await second.reads.query<{ events_done: number; suffix: string }>(
      'SELECT events_done, suffix FROM projection_builds',
    );
    expect(row!.events_done).toBeGreaterThanOrEqual(100);
    expect(row!.events_done).toBeLessThan(600);
    expect(await probeTables(second.reads)).toEqual(['probe_rows', `probe_rows__${row!.suffix}`]);

    const third = open(2, 20);
    await third.runner.start();
    expect(logs).toContain(`Projection probe: resuming its build after ${row!.events_done} events`);
    await until(() => third.runner.status()[0]!.rebuilding === undefined);
    expect(await readProbe(third.reads)).toEqual({ events: 600, minVersion: 2, maxVersion: 2 });
    expect(await probeTables(third.reads)).toEqual(['probe_rows']);
  });

  it('shows the build to an instance that observes, and both read the new tables from the switch on', async () => {
    await builtAtVersion1(60);
    const builder = open(2, 20, 100);
    const observer = open(2);
    await observer.runner.observe();
    await builder.runner.start();
    await until(() => observer.runner.status()[0]!.rebuilding !== undefined);
    expect(observer.runner.status()[0]).toMatchObject({
      where: 'elsewhere',
      rebuilding: { version: 2, liveVersion: 1 },
    });
    expect((await readProbe(observer.reads)).maxVersion).toBe(1);
    // The observer waits for what it can get: the projection being replaced is not awaited.
    expect(await observer.runner.waitFor(await observer.events.head(), 5000)).toBe(true);
    await until(() => builder.runner.status()[0]!.rebuilding === undefined);
    // The switch is one commit of the shared store: the observer reads the new tables at once.
    expect(await readProbe(observer.reads)).toEqual({ events: 600, minVersion: 2, maxVersion: 2 });
    await until(() => observer.runner.status()[0]!.rebuilding === undefined, 5000);
    expect(await observer.runner.waitFor(await observer.events.head(), 5000, ['probe'])).toBe(true);
  });

  it('rebuilds the same version beside the live tables, which keep being applied, and swaps them', async () => {
    await builtAtVersion1(30);
    const live = open(1, 20);
    await live.runner.start();
    expect(await live.runner.waitFor(await live.events.head(), 10_000)).toBe(true);
    const progress: number[] = [];
    const rebuilt = live.runner.rebuild(['probe'], (done) => progress.push(done));
    await append(live.events, 5, 10);
    await rebuilt;
    expect(await live.runner.waitFor(await live.events.head(), 10_000)).toBe(true);
    expect(await readProbe(live.reads)).toEqual({ events: 350, minVersion: 1, maxVersion: 1 });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await probeTables(live.reads)).toEqual(['probe_rows']);
  });
});
