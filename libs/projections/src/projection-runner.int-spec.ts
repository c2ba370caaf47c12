import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaseCommand } from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import {
  defaultProjections,
  ProjectionRunner,
  readTimeline,
  decodeCursor,
  type TimelineCursor,
  type TimelineOrder,
  findCaseView,
} from './index';
import { type ReadStore } from '@heard/read-store';
import { describeOnEachReadStore } from '../../../test/support/read-stores';
import { recordAll } from './testing/record';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();

type Step = CaseCommand extends infer C
  ? C extends CaseCommand
    ? Omit<C, 'caseId'>
    : never
  : never;

/** Runs commands through the pure decider and appends what it decided. */
const story = (store: SqliteEventStore, caseId: string, commands: Step[]) =>
  recordAll(
    store,
    commands.map((c) => ({ ...c, caseId })),
  );

const openCase = (customerId: string, minute: number) => ({
  type: 'OpenCase' as const,
  at: at(minute),
  customerId,
  channel: 'phone' as const,
  category: 'billing',
  product: 'invoices',
  summary: 'Charged twice',
  openedBy: 'agent-1',
});

describeOnEachReadStore('ProjectionRunner', (site) => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'heard-proj-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = () => {
    const events = new SqliteEventStore(join(dir, 'events.db'));
    const reads = site.open();
    const runner = new ProjectionRunner(events, reads, defaultProjections(), undefined, 7);
    return {
      events,
      reads,
      runner,
      close: async () => {
        await runner.stop();
        await reads.close();
        await events.close();
      },
    };
  };
  const dump = async (reads: ReadStore) => ({
    cases: await reads.query(
      'SELECT case_id, status, revision, state FROM case_view ORDER BY case_id',
    ),
    entries: await reads.query('SELECT * FROM timeline_entries ORDER BY customer_id, position'),
    summaries: await reads.query(
      'SELECT customer_id, summary FROM customer_summaries ORDER BY customer_id',
    ),
  });

  it('catches up, follows live appends, resumes after a restart without counting twice, and rebuilds the same rows', async () => {
    const first = open();
    for (let i = 0; i < 10; i++)
      await story(first.events, `c${i}`, [
        openCase(`cust-${i % 3}`, i),
        {
          type: 'LogContact',
          at: at(i + 1),
          contactId: `k${i}`,
          channel: 'email',
          direction: 'inbound',
          agentId: 'agent-2',
          note: 'Sent statement',
        },
      ]);
    await first.runner.start();
    expect(await first.runner.waitFor(await first.events.head(), 5000)).toBe(true);

    // Live: appended after start.
    await story(first.events, 'live', [openCase('cust-0', 30)]);
    expect(await first.runner.waitFor(await first.events.head(), 5000)).toBe(true);
    expect((await findCaseView(first.reads, 'live'))?.status).toBe('open');
    const before = await dump(first.reads);
    expect(before.entries).toHaveLength(21);
    await first.close();

    // Restart: more events while down, then resume from the checkpoint.
    const second = open();
    await story(second.events, 'later', [openCase('cust-1', 40)]);
    await second.runner.start();
    expect(await second.runner.waitFor(await second.events.head(), 5000)).toBe(true);
    const after = await dump(second.reads);
    expect(after.entries).toHaveLength(22);
    const page = await readTimeline(second.reads, 'cust-1', { limit: 100 });
    expect(page?.summary.cases.total).toBe(4);
    expect(page?.summary.contacts).toBe(3);
    expect(page?.entries.map((e) => e.position)).toEqual(
      [...page!.entries.map((e) => e.position)].sort().reverse(),
    );

    await second.runner.rebuild(['customer_timeline']);
    await second.runner.rebuild(['case_view', 'customer_timeline']);
    const rebuilt = await dump(second.reads);
    expect(rebuilt).toEqual(after);
    await second.close();
  });

  // Only SQLite read stores were made before positions were opaque: no such test on PostgreSQL.
  const onSqliteOnly = site.dialect === 'sqlite' ? it : () => undefined;
  onSqliteOnly(
    'resumes from checkpoints kept as numbers by a version before positions were opaque',
    async () => {
      const first = open();
      await story(first.events, 'old', [openCase('cust-old', 0)]);
      await first.runner.start();
      expect(await first.runner.waitFor(await first.events.head(), 5000)).toBe(true);
      await first.close();
      // What the earlier version left: INTEGER columns holding plain numbers.
      const legacy = site.open();
      await legacy.transaction(async (tx) => {
        await tx.execute('DROP TABLE projection_checkpoints');
        await tx.execute(
          'CREATE TABLE projection_checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)',
        );
        for (const p of defaultProjections())
          await tx.execute('INSERT INTO projection_checkpoints VALUES (?, 1, ?, ?)', [
            p.name,
            p.version,
            at(0),
          ]);
      });
      await legacy.close();

      const second = open();
      await story(second.events, 'new', [openCase('cust-old', 5)]);
      await second.runner.start();
      expect(await second.runner.waitFor(await second.events.head(), 5000)).toBe(true);
      const page = await readTimeline(second.reads, 'cust-old', { limit: 10 });
      // The first case's event was not applied twice; the new one was applied once.
      expect(page?.entries.map((e) => e.caseId)).toEqual(['new', 'old']);
      expect(page?.summary.cases.total).toBe(2);
      await second.close();
    },
  );

  it('pages the timeline with a cursor, newest first, without gaps or repeats, in either order', async () => {
    const ctx = open();
    // Contacts logged out of order: the store records them in one order, they happened in another.
    await story(ctx.events, 'p1', [
      openCase('cust-p', 0),
      ...Array.from({ length: 11 }, (_, i) => ({
        type: 'LogContact' as const,
        at: at(((i * 7) % 11) + 1),
        contactId: `k${i}`,
        channel: 'chat' as const,
        direction: 'inbound' as const,
        agentId: 'a',
        note: `note ${i}`,
      })),
    ]);
    await ctx.runner.start();
    await ctx.runner.waitFor(await ctx.events.head(), 5000);
    const pageThrough = async (order: TimelineOrder) => {
      const seen: Array<{ position: string; occurredAt: string }> = [];
      let after: TimelineCursor | undefined;
      let pages = 0;
      for (;;) {
        const page = await readTimeline(ctx.reads, 'cust-p', { limit: 5, order, after });
        pages += 1;
        seen.push(...page!.entries.map(({ position, occurredAt }) => ({ position, occurredAt })));
        if (!page!.nextCursor) break;
        after = decodeCursor(page!.nextCursor);
        expect(after?.order).toBe(order);
      }
      expect(pages).toBe(3);
      expect(seen).toHaveLength(12);
      expect(new Set(seen.map((e) => e.position)).size).toBe(12);
      return seen;
    };
    const recorded = await pageThrough('recorded');
    expect(recorded.map((e) => e.position)).toEqual(
      recorded
        .map((e) => e.position)
        .sort()
        .reverse(),
    );
    const occurred = await pageThrough('occurred');
    const times = occurred.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    // The default is when things happened.
    const first = await readTimeline(ctx.reads, 'cust-p', { limit: 12 });
    expect(first!.entries.map((e) => e.occurredAt)).toEqual(times);
    expect(times).not.toEqual(recorded.map((e) => e.occurredAt));
    expect(await readTimeline(ctx.reads, 'nobody', { limit: 5 })).toBeUndefined();
    await ctx.close();
  });
});
