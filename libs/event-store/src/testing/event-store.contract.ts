import { randomUUID } from 'node:crypto';
import {
  IdempotencyKeyReused,
  START,
  WrongExpectedRevision,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../event-store.port';

interface EventStoreFixture {
  store: EventStore;
  teardown(): Promise<void>;
}

export const newEvent = (type: string, data: unknown = {}, commandId = randomUUID()): NewEvent => ({
  type,
  data,
  metadata: {
    eventId: randomUUID(),
    commandId,
    correlationId: commandId,
    causationId: commandId,
    actor: { id: 'agent-1', kind: 'agent' },
    occurredAt: '2026-03-01T10:00:00.000Z',
    schemaVersion: 1,
  },
});

const expectConflict = async (promise: Promise<unknown>) => {
  await expect(promise).rejects.toBeInstanceOf(WrongExpectedRevision);
};

/**
 * The behaviour every EventStore adapter must show. Each test uses fresh stream ids, so
 * an adapter may share one store across tests (a server) or make one per test (a file).
 */
export const describeEventStoreContract = (
  adapterName: string,
  makeFixture: () => Promise<EventStoreFixture>,
) => {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    let stream: string;
    beforeEach(async () => {
      fixture = await makeFixture();
      store = fixture.store;
      stream = `case-${randomUUID()}`;
    });
    afterEach(async () => fixture.teardown());

    it('appends to a new stream and reads it back in order with metadata', async () => {
      const events = [newEvent('CaseOpened', { n: 1 }), newEvent('ContactLogged', { n: 2 })];
      const result = await store.append(stream, events, { expectedRevision: 'no_stream' });
      expect(result).toMatchObject({ streamId: stream, revision: 1, duplicate: false });
      expect(result.eventIds).toEqual(events.map((e) => e.metadata.eventId));
      const read = await store.readStream(stream);
      expect(read.map((e) => [e.revision, e.type, e.data])).toEqual([
        [0, 'CaseOpened', { n: 1 }],
        [1, 'ContactLogged', { n: 2 }],
      ]);
      expect(read[1]!.position).toBe(result.position);
      expect(read[0]!.position < read[1]!.position).toBe(true);
      expect(read[0]!.metadata).toMatchObject({ ...events[0]!.metadata });
      expect(Date.parse(read[0]!.metadata.recordedAt)).not.toBeNaN();
    });

    it('keeps the time of record a copied event brings (heard store copy)', async () => {
      const recordedAt = '2025-01-02T03:04:05.678Z';
      const before = await store.head();
      await store.append(stream, [newEvent('A'), newEvent('B')], {
        expectedRevision: 'no_stream',
        recordedAt,
      });
      const read = await store.readStream(stream);
      expect(read.map((e) => e.metadata.recordedAt)).toEqual([recordedAt, recordedAt]);
      const [all] = (await store.readAll({ after: before, limit: 100 })).filter(
        (e) => e.streamId === stream,
      );
      expect(all!.metadata.recordedAt).toBe(recordedAt);
    });

    it('reads a stream from a revision, and an unknown stream as empty', async () => {
      await store.append(stream, [newEvent('A'), newEvent('B'), newEvent('C')], {
        expectedRevision: 'no_stream',
      });
      expect((await store.readStream(stream, { fromRevision: 1 })).map((e) => e.type)).toEqual([
        'B',
        'C',
      ]);
      expect(await store.readStream(`case-${randomUUID()}`)).toEqual([]);
    });

    it('appends with the expected revision and refuses a stale one, writing nothing', async () => {
      await store.append(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
      await store.append(stream, [newEvent('B')], { expectedRevision: 0 });
      const stale = store.append(stream, [newEvent('C')], { expectedRevision: 0 });
      await expectConflict(stale);
      await stale.catch((e: WrongExpectedRevision) => expect(e.actual).toBe(1));
      await expectConflict(
        store.append(stream, [newEvent('C')], { expectedRevision: 'no_stream' }),
      );
      await expectConflict(
        store.append(`case-${randomUUID()}`, [newEvent('C')], { expectedRevision: 0 }),
      );
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('appends without a check when told any', async () => {
      await store.append(stream, [newEvent('A')], { expectedRevision: 'any' });
      const result = await store.append(stream, [newEvent('B')], { expectedRevision: 'any' });
      expect(result.revision).toBe(1);
    });

    it('a retried command appends nothing and returns the first result', async () => {
      const commandId = randomUUID();
      const first = await store.append(stream, [newEvent('A', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      // The retry would conflict on its revision, yet the key wins: same answer, no write.
      const retry = await store.append(stream, [newEvent('A', {}, commandId)], {
        expectedRevision: 'no_stream',
        commandId,
      });
      expect(retry).toEqual({ ...first, duplicate: true });
      expect(await store.readStream(stream)).toHaveLength(1);
      expect(await store.findCommandResult(commandId)).toEqual({ ...first, duplicate: true });
      expect(await store.findCommandResult(randomUUID())).toBeUndefined();
    });

    it('concurrent retries of one command append once', async () => {
      const commandId = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.append(stream, [newEvent('A', {}, commandId)], {
            expectedRevision: 'any',
            commandId,
          }),
        ),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('refuses an idempotency key reused for another stream or another request', async () => {
      const commandId = randomUUID();
      await store.append(stream, [newEvent('A')], {
        expectedRevision: 'any',
        commandId,
        fingerprint: 'f1',
      });
      await expect(
        store.append(`case-${randomUUID()}`, [newEvent('A')], {
          expectedRevision: 'any',
          commandId,
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyReused);
      await expect(
        store.append(stream, [newEvent('B')], {
          expectedRevision: 'any',
          commandId,
          fingerprint: 'f2',
        }),
      ).rejects.toBeInstanceOf(IdempotencyKeyReused);
      const same = await store.append(stream, [newEvent('A')], {
        expectedRevision: 'any',
        commandId,
        fingerprint: 'f1',
      });
      expect(same).toMatchObject({ duplicate: true, fingerprint: 'f1' });
      expect(await store.readStream(stream)).toHaveLength(1);
    });

    it('reads all events in global order from a position, in pages', async () => {
      const start = await store.head();
      const other = `case-${randomUUID()}`;
      await store.append(stream, [newEvent('A1'), newEvent('A2')], {
        expectedRevision: 'no_stream',
      });
      await store.append(other, [newEvent('B1')], { expectedRevision: 'no_stream' });
      await store.append(stream, [newEvent('A3')], { expectedRevision: 1 });
      const mine = (e: RecordedEvent) => e.streamId === stream || e.streamId === other;
      const all = (await store.readAll({ after: start, limit: 1000 })).filter(mine);
      expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3']);
      const page = await store.readAll({ after: all[0]!.position, limit: 1 });
      expect(page.map((e) => e.position)).toEqual([all[1]!.position]);
      expect((await store.head()) >= all[3]!.position).toBe(true);
    });

    it('positions are opaque strings that order as the store does, and count what follows', async () => {
      const before = await store.head();
      await store.append(stream, [newEvent('P1'), newEvent('P2'), newEvent('P3')], {
        expectedRevision: 'no_stream',
      });
      const read = await store.readStream(stream);
      const positions = read.map((e) => e.position);
      expect(positions.every((p) => typeof p === 'string' && p > START)).toBe(true);
      expect([...positions].sort()).toEqual(positions);
      expect(new Set(positions.map((p) => p.length)).size).toBe(1);
      expect(await store.countAfter(positions[0]!)).toBeGreaterThanOrEqual(2);
      expect(await store.countAfter(await store.head())).toBe(0);
      expect(await store.countAfter(before)).toBeGreaterThanOrEqual(3);
      // A position given back, as a client or a read store keeps it, is the same position.
      expect(store.parsePosition(positions[1]!)).toBe(positions[1]);
      expect(store.parsePosition(START)).toBe(START);
      for (const bad of ['not a position', '-1', '1.5', '<script>', 'x'.repeat(200)])
        expect(store.parsePosition(bad)).toBeUndefined();
    });

    it('many concurrent appenders on many streams lose nothing and keep each stream in order', async () => {
      const streams = Array.from({ length: 40 }, () => `case-${randomUUID()}`);
      const perStream = 15;
      await Promise.all(
        streams.map(async (s) => {
          for (let i = 0; i < perStream; i++)
            await store.append(s, [newEvent('E', { i })], {
              expectedRevision: i === 0 ? 'no_stream' : i - 1,
            });
        }),
      );
      for (const s of streams) {
        const read = await store.readStream(s);
        expect(read.map((e) => (e.data as { i: number }).i)).toEqual([...Array(perStream).keys()]);
      }
    });

    it('concurrent appenders on one stream: each append either lands once or conflicts', async () => {
      await store.append(stream, [newEvent('Start')], { expectedRevision: 'no_stream' });
      const attempts = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          store.append(stream, [newEvent('Racer', { i })], { expectedRevision: 0 }),
        ),
      );
      const won = attempts.filter((a) => a.status === 'fulfilled');
      const lost = attempts.filter((a) => a.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedRevision);
      const read = await store.readStream(stream);
      expect(read.map((e) => e.revision)).toEqual([0, 1]);
    });

    it('a subscription catches up from a position, then follows live appends', async () => {
      await store.append(stream, [newEvent('Old1'), newEvent('Old2')], {
        expectedRevision: 'no_stream',
      });
      const [first] = await store.readStream(stream);
      const seen: RecordedEvent[] = [];
      const subscription = store.subscribe({
        after: first!.position,
        batchSize: 2,
        onBatch: (events) => {
          seen.push(...events.filter((e) => e.streamId === stream));
          return Promise.resolve();
        },
      });
      await store.append(stream, [newEvent('Live1')], { expectedRevision: 1 });
      await store.append(stream, [newEvent('Live2')], { expectedRevision: 2 });
      const deadline = Date.now() + 5000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await subscription.stop();
      expect(seen.map((e) => e.type)).toEqual(['Old2', 'Live1', 'Live2']);
    });
  });
};
