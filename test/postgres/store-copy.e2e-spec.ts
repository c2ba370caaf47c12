import { join } from 'node:path';
import { DEMO_DEFAULTS, DEMO_DEFECT_ISSUE, demoHistory, loadOverHttp } from '@heard/demo';
import { eventsChecksum, openEventStore, SqliteEventStore } from '@heard/event-store';
import { PostgresReadStore, SqliteReadStore } from '@heard/read-store';
import {
  removeDir,
  runCli,
  startHeard,
  tempDataDir,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
} from '../support/heard-app';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';
import { dumpReadModels, readReports } from '../support/read-models';

describeWithPostgres('heard store copy, from the embedded default to PostgreSQL', (url) => {
  jest.setTimeout(180_000);

  it('moves the demo: same events, same commands, same reports, nothing sent twice', async () => {
    const dir = tempDataDir();
    const schema = uniqueSchema();
    const target = `${url}?schema=${schema}`;
    const copyTo = (to: string) =>
      runCli(['store', 'copy', '--from', join(dir, 'events.db'), '--to', to], {
        HEARD_DATA_DIR: dir,
        HEARD_MASTER_KEY: TEST_MASTER_KEY,
        CI: 'true',
      });
    try {
      const heard = await startHeard(dir);
      const loaded = await loadOverHttp(
        heard.url,
        demoHistory({ ...DEMO_DEFAULTS, customers: 200 }),
        { apiKey: TEST_ADMIN_KEY },
      );
      expect(loaded.refused).toBe(0);
      // Notices to customers: outbox messages the embedded relay sends.
      const shipped = await heard.post(`/issues/${DEMO_DEFECT_ISSUE}/fix-shipped`, {
        commandId: 'ship-before-the-move',
        release: 'v3',
        description: 'New seal',
      });
      expect(shipped.status).toBe(201);
      await heard.get(`/messages?minPosition=${shipped.body.position}`);
      await new Promise((r) => setTimeout(r, 500)); // the relay's pass after the batch
      await heard.stop();

      const copy = copyTo(target);
      expect([copy.status, copy.stderr]).toEqual([0, expect.any(String)]);
      console.log(copy.stdout);
      expect(copy.stdout).toMatch(/events: \d+ in the target \(0 were there from an earlier run\)/);
      expect(copy.stdout).toContain('verified on both');

      const source = new SqliteEventStore(join(dir, 'events.db'));
      const copied = await openEventStore({ kind: 'postgres', url: target });
      const sourceReads = new SqliteReadStore(join(dir, 'read-models.db'));
      const copiedReads = new PostgresReadStore({ url, schema });
      try {
        expect(await eventsChecksum(copied)).toEqual(await eventsChecksum(source));
        // Kept under the caller's scope (the test's admin), as every idempotency key.
        const shipped = 'admin-key:ship-before-the-move';
        expect(await copied.findCommandResult(shipped)).toMatchObject({
          streamId: (await source.findCommandResult(shipped))!.streamId,
          eventIds: (await source.findCommandResult(shipped))!.eventIds,
        });
        // The same rows, but for positions: each store writes them its own way.
        const withoutPositions = { withoutPositions: true };
        expect(await dumpReadModels(copiedReads, withoutPositions)).toEqual(
          await dumpReadModels(sourceReads, withoutPositions),
        );
        expect(await readReports(copiedReads)).toEqual(await readReports(sourceReads));
        const sent = (store: SqliteReadStore | PostgresReadStore) =>
          store.query<{ message_id: string }>(
            'SELECT message_id FROM outbound_messages WHERE sent_at IS NOT NULL ORDER BY message_id',
          );
        const sentBefore = await sent(sourceReads);
        expect(sentBefore.length).toBeGreaterThan(0);
        expect(await sent(copiedReads)).toEqual(sentBefore);
      } finally {
        await Promise.all([
          source.close(),
          copied.close(),
          sourceReads.close(),
          copiedReads.close(),
        ]);
      }

      // Run again: nothing to copy, the same answer.
      const again = copyTo(target);
      expect(again.status).toBe(0);
      expect(again.stdout).toMatch(
        /events: (\d+) in the target \(\1 were there from an earlier run\)/,
      );

      // heard on the copy answers a command retried from before the move with its first result.
      const moved = await startHeard(dir, { HEARD_EVENT_STORE: target, HEARD_READ_STORE: target });
      try {
        const retried = await moved.post(`/issues/${DEMO_DEFECT_ISSUE}/fix-shipped`, {
          commandId: 'ship-before-the-move',
          release: 'v3',
          description: 'New seal',
        });
        expect([retried.status, retried.body.eventIds]).toEqual([201, shipped.body.eventIds]);
      } finally {
        await moved.stop();
      }
    } finally {
      removeDir(dir);
      await dropSchema(url, schema);
    }
  });
});
