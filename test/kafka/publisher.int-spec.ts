import { randomUUID } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '@heard/config';
import { SqliteEventStore, START, type NewEvent } from '@heard/event-store';
import { SqliteReadStore } from '@heard/read-store';
import { EventPublisher, KafkaTransport, topicNames } from '@heard/messaging';
import { describeWithKafka, readTopic, uniquePrefix, type ConsumedMessage } from '../support/kafka';
import { removeDir, tempDataDir } from '../support/heard-app';

const event = (i: number): NewEvent => ({
  type: 'ContactLogged',
  data: { n: i },
  metadata: {
    eventId: randomUUID(),
    commandId: `cmd-${i}`,
    correlationId: 'corr',
    causationId: `cmd-${i}`,
    actor: { id: 'agent-1', kind: 'agent' },
    occurredAt: '2026-03-01T10:00:00.000Z',
    schemaVersion: 1,
  },
});

/** Appends `count` events round-robin over `streams` streams, in batches. */
const fill = async (store: SqliteEventStore, streams: string[], count: number) => {
  const revisions = new Map<string, number>();
  for (let i = 0; i < count; i += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - i) }, (_, j) => i + j).map((n) => {
        const stream = streams[n % streams.length]!;
        const expected = revisions.get(stream) ?? -1;
        revisions.set(stream, expected + 1);
        return store.append(stream, [event(n)], {
          expectedRevision: expected < 0 ? 'no_stream' : expected,
        });
      }),
    );
  }
};

/** Per key, the revisions of first appearances must rise, and every event must be there. */
const ledger = (messages: ConsumedMessage[], expected: number) => {
  const firstSeen = new Map<string, ConsumedMessage>();
  let duplicated = 0;
  for (const m of messages) {
    const id = m.headers.ce_id!;
    if (firstSeen.has(id)) duplicated++;
    else firstSeen.set(id, m);
  }
  const byKey = new Map<string, number[]>();
  for (const m of firstSeen.values())
    byKey.set(m.key, [...(byKey.get(m.key) ?? []), Number(m.headers.ce_heardrevision)]);
  const outOfOrder = [...byKey.values()].filter((revs) =>
    revs.some((r, i) => i > 0 && r <= revs[i - 1]!),
  ).length;
  return {
    sent: expected,
    onTopic: messages.length,
    unique: firstSeen.size,
    lost: expected - firstSeen.size,
    duplicated,
    outOfOrderKeys: outOfOrder,
  };
};

describeWithKafka('publisher to heard.case-events', (brokers) => {
  jest.setTimeout(180_000);

  it('publishes every event as a CloudEvent, keyed by stream, in order per key', async () => {
    const dir = tempDataDir();
    const topics = topicNames(uniquePrefix());
    const store = new SqliteEventStore(join(dir, 'events.db'));
    const reads = new SqliteReadStore(join(dir, 'reads.db'));
    const transport = new KafkaTransport({ brokers, topics, partitions: 3 });
    try {
      await transport.connect();
      await transport.ensureTopics();
      const streams = Array.from({ length: 40 }, (_, i) => `case-pub-${i}`);
      const n = 2000;
      await fill(store, streams, n);
      const publisher = new EventPublisher(store, reads, transport, undefined, topics, 300);
      await publisher.start();
      const messages = await readTopic(brokers, topics.caseEvents, (m) => m.length >= n);
      await publisher.stop();
      const figures = ledger(messages, n);
      console.log(`publish ledger: ${JSON.stringify(figures)}`);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, outOfOrderKeys: 0, unique: n });
      const [first] = await store.readAll({ after: START, limit: 1 });
      const message = messages.find((m) => m.headers.ce_id === first!.metadata.eventId)!;
      expect(message.key).toBe(first!.streamId);
      expect(JSON.parse(message.value)).toEqual(first!.data);
      expect(message.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_type: 'heard.ContactLogged',
        ce_source: 'heard/case',
        ce_subject: first!.streamId,
        ce_time: '2026-03-01T10:00:00.000Z',
        'content-type': 'application/json',
        ce_heardposition: String(first!.position),
      });
      // One partition per key: Kafka's order per partition is the order per key.
      const partitionsOfKey = new Map<string, Set<number>>();
      for (const m of messages)
        partitionsOfKey.set(m.key, (partitionsOfKey.get(m.key) ?? new Set()).add(m.partition));
      expect([...partitionsOfKey.values()].every((p) => p.size === 1)).toBe(true);
    } finally {
      await transport.close();
      await reads.close();
      await store.close();
      removeDir(dir);
    }
  });

  it('loses nothing and keeps order per key when the publishing process is killed (SIGKILL) mid-run', async () => {
    const dir = tempDataDir();
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const n = 60_000;
    const store = new SqliteEventStore(join(dir, 'events.db'));
    await fill(
      store,
      Array.from({ length: 100 }, (_, i) => `case-crash-${i}`),
      n,
    );
    await store.close();
    const admin = new KafkaTransport({ brokers, topics, partitions: 3 });
    await admin.connect();
    await admin.ensureTopics();
    await admin.close();

    const main = join(__dirname, '..', '..', 'dist', 'apps', 'heard', 'src', 'main.js');
    const env = {
      ...process.env,
      HEARD_DATA_DIR: dir,
      PORT: '0',
      HEARD_HOST: '127.0.0.1',
      HEARD_LOG_LEVEL: 'warn',
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_KAFKA_INTAKE_CONSUMERS: '0',
      HEARD_KAFKA_PUBLISH_BATCH: '100',
    };
    const start = (): ChildProcess =>
      spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = (child: ChildProcess) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : child.once('exit', () => resolve()),
      );
    /** Events up to the publisher's checkpoint: how many it has published for good. */
    const checkpoint = () => {
      const reads = new Database(join(dir, 'read-models.db'), { readonly: true });
      const events = new Database(join(dir, 'events.db'), { readonly: true });
      try {
        const row = reads
          .prepare('SELECT position FROM publisher_checkpoints WHERE publisher = ?')
          .get(topics.caseEvents) as { position: string } | undefined;
        if (!row) return 0;
        return (
          events
            .prepare('SELECT COUNT(*) AS n FROM events WHERE position <= ?')
            .get(row.position) as {
            n: number;
          }
        ).n;
      } catch {
        return 0; // not created yet
      } finally {
        reads.close();
        events.close();
      }
    };

    // Kill the publisher by its own checkpoint, so that the kill lands mid-run.
    const first = start();
    let checkpointAtKill = -1;
    while (checkpointAtKill < 0) {
      await new Promise((r) => setTimeout(r, 20));
      const at = existsSync(join(dir, 'read-models.db')) ? checkpoint() : 0;
      if (at >= n / 5) {
        first.kill('SIGKILL');
        await exited(first);
        checkpointAtKill = checkpoint();
      }
    }
    const restarted = start();
    const ids = new Set<string>();
    const messages = await readTopic(
      brokers,
      topics.caseEvents,
      (seen) => ids.add(seen[seen.length - 1]!.headers.ce_id!).size >= n,
      150_000,
    );
    for (const child of [first, restarted])
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited(child);
      }
    removeDir(dir);

    const figures = ledger(messages, n);
    console.log(
      `crash ledger: SIGKILL with ${checkpointAtKill} of ${n} published, restarted; ${JSON.stringify(figures)}`,
    );
    // The kill came mid-run: the publisher had not finished when it died.
    expect(checkpointAtKill).toBeLessThan(n);
    expect(figures.lost).toBe(0);
    expect(figures.outOfOrderKeys).toBe(0);
    // At least once: what was in flight at the kill may be sent again, never more than a batch.
    expect(figures.duplicated).toBeLessThanOrEqual(100);
  });
});
