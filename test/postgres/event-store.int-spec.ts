import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  EventStoreSchemaTooNew,
  openEventStore,
  PostgresEventStore,
  START,
  WrongExpectedRevision,
  type RecordedEvent,
} from '@heard/event-store';
import {
  describeEventStoreContract,
  newEvent,
} from '../../libs/event-store/src/testing/event-store.contract';
import { describeWithPostgres, dropSchema, uniqueSchema } from '../support/postgres';

const waitUntil = async (check: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describeWithPostgres('PostgresEventStore', (url) => {
  describeEventStoreContract('PostgreSQL', () => {
    const schema = uniqueSchema();
    const store = new PostgresEventStore({ url, schema });
    return Promise.resolve({
      store,
      teardown: async () => {
        await store.close();
        await dropSchema(url, schema);
      },
    });
  });

  it('records its schema version, and refuses a store a newer heard migrated', async () => {
    const schema = uniqueSchema();
    const location = { kind: 'postgres' as const, url: `${url}?schema=${schema}` };
    try {
      await (await openEventStore(location)).close();
      const admin = new Client({ connectionString: url });
      await admin.connect();
      try {
        const { rows } = await admin.query(`SELECT version FROM ${schema}.event_store_schema`);
        expect(rows).toEqual([{ version: 1 }]);
        await admin.query(`UPDATE ${schema}.event_store_schema SET version = 7`);
      } finally {
        await admin.end();
      }
      const refused = await openEventStore(location).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EventStoreSchemaTooNew);
      expect((refused as Error).message).toContain(
        "The event store's schema is at version 7, newer than this heard knows (1)",
      );
    } finally {
      await dropSchema(url, schema);
    }
  });

  it("is woken by another store's append (NOTIFY), not only by polling", async () => {
    const schema = uniqueSchema();
    // Polling once a minute: only the NOTIFY can deliver within the wait below.
    const follower = new PostgresEventStore({ url, schema, pollIntervalMs: 60_000 });
    const writer = new PostgresEventStore({ url, schema });
    try {
      await writer.append('case-warm', [newEvent('E')], { expectedRevision: 'no_stream' });
      const seen: string[] = [];
      const subscription = follower.subscribe({
        after: START,
        onBatch: (events) => {
          seen.push(...events.map((e) => e.streamId));
          return Promise.resolve();
        },
      });
      try {
        await waitUntil(() => seen.length === 1);
        await new Promise((r) => setTimeout(r, 300)); // its LISTEN connection is up
        await writer.append('case-late', [newEvent('E')], { expectedRevision: 'no_stream' });
        await waitUntil(() => seen.includes('case-late'), 20_000);
      } finally {
        await subscription.stop();
      }
    } finally {
      await follower.close();
      await writer.close();
      await dropSchema(url, schema);
    }
  });

  describe('several processes on one store', () => {
    jest.setTimeout(120_000);
    let schema: string;
    let stores: PostgresEventStore[];
    beforeEach(() => {
      schema = uniqueSchema();
      // Each its own pool: as many processes.
      stores = [0, 1, 2].map(() => new PostgresEventStore({ url, schema }));
    });
    afterEach(async () => {
      for (const store of stores) await store.close();
      await dropSchema(url, schema);
    });

    it('never skips an event that commits after one with a higher sequence', async () => {
      const [store, reader] = stores as [PostgresEventStore, PostgresEventStore];
      await store.append('case-first', [newEvent('First')], { expectedRevision: 'no_stream' });
      const seen: RecordedEvent[] = [];
      const subscription = reader.subscribe({
        after: START,
        onBatch: (events) => {
          seen.push(...events);
          return Promise.resolve();
        },
      });
      await waitUntil(() => seen.length === 1);
      // A transaction takes its sequence number and holds on, as a slow appender does.
      const slow = new Client({ connectionString: url, options: `-c search_path=${schema}` });
      await slow.connect();
      let fast;
      try {
        await slow.query('BEGIN');
        await slow.query(
          `INSERT INTO events (stream_id, revision, type, data, metadata) VALUES ('case-slow', 0, 'Slow', '{}', $1)`,
          [JSON.stringify({ ...newEvent('Slow').metadata, recordedAt: new Date().toISOString() })],
        );
        // Meanwhile another appender commits a later event.
        fast = await store.append('case-fast', [newEvent('Fast')], {
          expectedRevision: 'no_stream',
        });
        await new Promise((r) => setTimeout(r, 1500));
        // The reader must not have moved past the slow one's place.
        expect(seen.map((e) => e.type)).toEqual(['First']);
        await slow.query('COMMIT');
        await waitUntil(() => seen.length === 3);
      } finally {
        await slow.end();
        await subscription.stop();
      }
      expect(seen.map((e) => e.type)).toEqual(['First', 'Slow', 'Fast']);
      expect(seen[2]!.position).toBe(fast.position);
    });

    it('a reader following 32 concurrent appenders sees every event once, in one order', async () => {
      const [, , reader] = stores as [PostgresEventStore, PostgresEventStore, PostgresEventStore];
      const seen: RecordedEvent[] = [];
      const subscription = reader.subscribe({
        after: START,
        batchSize: 97,
        onBatch: (events) => {
          seen.push(...events);
          return Promise.resolve();
        },
      });
      const appenders = 32;
      const perAppender = 60;
      await Promise.all(
        Array.from({ length: appenders }, async (_, a) => {
          const store = stores[a % 2]!;
          for (let i = 0; i < perAppender; i++)
            await store.append(`case-${a}`, [newEvent('E', { a, i }), newEvent('F', { a, i })], {
              expectedRevision: i === 0 ? 'no_stream' : 2 * i - 1,
            });
        }),
      );
      const total = appenders * perAppender * 2;
      await waitUntil(() => seen.length >= total);
      await new Promise((r) => setTimeout(r, 300));
      await subscription.stop();
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((e) => e.metadata.eventId)).size).toBe(total);
      const positions = seen.map((e) => e.position);
      expect([...positions].sort()).toEqual(positions);
      expect(await reader.countAfter(START)).toBe(total);
      expect(await reader.countAfter(positions[positions.length - 1]!)).toBe(0);
    });

    it('two processes on one stream: one wins, the other conflicts', async () => {
      const [a, b] = stores as [PostgresEventStore, PostgresEventStore];
      await a.append('case-race', [newEvent('Start')], { expectedRevision: 'no_stream' });
      const outcomes = await Promise.allSettled(
        [a, b, a, b].map((store) =>
          store.append('case-race', [newEvent('Next')], { expectedRevision: 0 }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes.filter((o) => o.status === 'rejected'))
        expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
      expect((await b.readStream('case-race')).map((e) => e.type)).toEqual(['Start', 'Next']);
    });

    it('a command retried through another process returns the first result', async () => {
      const [a, b] = stores as [PostgresEventStore, PostgresEventStore];
      const commandId = randomUUID();
      const first = await a.append('case-retry', [newEvent('Once', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      const retried = await b.append('case-retry', [newEvent('Once', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      expect(retried).toEqual({ ...first, duplicate: true });
      expect(await b.readStream('case-retry')).toHaveLength(1);
    });
  });
});
