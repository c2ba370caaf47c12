import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@heard/config';
import { SqliteEventStore } from '@heard/event-store';
import { ProjectionRunner, type Projection } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { newEvent } from '../../event-store/src/testing/event-store.contract';
import { HealthWatch } from './health-watch';

/** Counts events per stream; slow enough per batch for a build to be watched. */
const counting = (version: number): Projection => ({
  name: 'counting',
  version,
  tables: ['counted'],
  schema: () =>
    'CREATE TABLE IF NOT EXISTS counted (stream TEXT PRIMARY KEY, n BIGINT NOT NULL, version INTEGER NOT NULL)',
  async apply(events, tx) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    for (const event of events)
      await tx.execute(
        `INSERT INTO counted (stream, n, version) VALUES (?, 1, ?)
         ON CONFLICT (stream) DO UPDATE SET n = counted.n + 1`,
        [event.streamId, version],
      );
  },
});

/** The parts of heard a health report asks that this test has no use for: idle, and up. */
const idle = {
  transport: {
    kind: 'in-process',
    check: () => Promise.resolve({ up: true }),
    consumers: () => [],
  },
  publisher: { status: () => ({ position: '', published: 0, running: true }) },
  relay: { status: () => ({ relayed: 0 }) },
  scheduler: { status: () => ({ lastPassAt: Date.now(), queued: 0 }) },
  leases: { status: () => [] },
};

interface ProjectionPart {
  status: string;
  projections: Array<{
    name: string;
    stalled: boolean;
    lag?: number;
    rebuilding?: {
      version: number;
      liveVersion: number;
      eventsDone: number;
      eventsLeft?: number;
      eventsPerSecond: number;
      secondsLeft?: number;
    };
  }>;
}

describe('/health while a projection is rebuilt beside its live tables', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'heard-health-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the build's progress, and is not stalled while the build moves though the live tables stand still", async () => {
    const events = new SqliteEventStore(join(dir, 'events.db'));
    const reads = new SqliteReadStore(join(dir, 'reads.db'));
    const append = async (from: number, streams: number) => {
      for (let i = from; i < from + streams; i++)
        await events.append(
          `s-${i}`,
          Array.from({ length: 10 }, () => newEvent('Counted')),
          { expectedRevision: 'no_stream' },
        );
    };
    await append(0, 40);
    const first = new ProjectionRunner(events, reads, [counting(1)], undefined, 1000);
    await first.start();
    await first.waitFor(await events.head(), 10_000);
    await first.stop();
    // Events the old version will never apply: its tables stand 50 behind until the switch.
    await append(40, 5);

    const runner = new ProjectionRunner(events, reads, [counting(2)], undefined, 20);
    // A part that makes no progress for 100 ms is stalled.
    const config = { ...loadConfig({}), roles: ['projections' as const], stallAfterMs: 100 };
    const health = new HealthWatch(
      config,
      events,
      reads,
      runner,
      idle.transport as never,
      idle.publisher as never,
      idle.relay as never,
      idle.scheduler as never,
      idle.scheduler as never,
      { enabled: false } as never,
      idle.leases as never,
    );
    try {
      await runner.start();
      const seen: ProjectionPart[] = [];
      while (runner.status()[0]!.rebuilding) {
        seen.push((await health.report()).parts.projections as unknown as ProjectionPart);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      const during = seen.filter((part) => part.projections[0]!.rebuilding);
      // The build takes 23 batches of 40 ms: the report saw it for longer than the stall limit.
      expect(during.length).toBeGreaterThan(5);
      for (const part of during) {
        expect(part.status).toBe('up');
        expect(part.projections[0]!.stalled).toBe(false);
        expect(part.projections[0]!.lag).toBe(50);
      }
      const late = during[during.length - 1]!.projections[0]!.rebuilding!;
      expect(late).toMatchObject({ version: 2, liveVersion: 1 });
      expect(late.eventsDone).toBeGreaterThan(0);
      expect(late.eventsDone + late.eventsLeft!).toBe(450);
      expect(late.eventsPerSecond).toBeGreaterThan(0);
      expect(late.secondsLeft).toBeGreaterThanOrEqual(0);
      const after = (await health.report()).parts.projections as unknown as ProjectionPart;
      expect(after.projections[0]).toMatchObject({ lag: 0, stalled: false });
      expect(after.projections[0]!.rebuilding).toBeUndefined();
    } finally {
      health.onModuleDestroy();
      await runner.stop();
      await reads.close();
      await events.close();
    }
  });
});
