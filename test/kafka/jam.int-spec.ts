import { randomUUID } from 'node:crypto';
import { KafkaJSNonRetriableError } from 'kafkajs';
import { SqliteEventStore } from '@heard/event-store';
import { KafkaTransport, topicNames } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import { describeWithKafka, kafkaClient, readTopic, uniquePrefix, waitFor } from '../support/kafka';

const BROKER_MESSAGE_LIMIT = 1_048_588; // message.max.bytes, the broker's default

describeWithKafka('nothing jams heard on Kafka', (brokers) => {
  jest.setTimeout(180_000);

  describe('poison messages on heard.commands', () => {
    let dir: string;
    let heard: RunningHeard;
    let prefix: string;
    beforeAll(async () => {
      dir = tempDataDir();
      prefix = uniquePrefix();
      heard = await startHeard(dir, {
        HEARD_KAFKA_BROKERS: brokers.join(','),
        HEARD_KAFKA_TOPIC_PREFIX: prefix,
        HEARD_KAFKA_INTAKE_GROUP: `intake-${prefix}`,
      });
    });
    afterAll(async () => {
      await heard.stop();
      removeDir(dir);
    });

    it('dead-letters 500 KB of binary, 200 KB of control characters and an empty value within the broker limit, then applies the next command', async () => {
      const binary = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7919 + 13) % 256));
      const controls = '\u0001\u0002\u001b'.repeat(70_000);
      const caseId = `after-poison-${randomUUID()}`;
      const producer = kafkaClient(brokers).producer();
      await producer.connect();
      const key = 'poison';
      await producer.send({
        topic: topicNames(prefix).commands,
        messages: [
          { key, value: binary },
          { key, value: controls },
          { key, value: '' },
          {
            key,
            value: JSON.stringify({
              type: 'OpenCase',
              data: { caseId, customerId: 'cu', channel: 'chat', category: 'b', summary: 'after' },
            }),
            headers: { ce_source: 'crm-app' },
          },
        ],
      });
      await producer.disconnect();

      const letters = await readTopic(
        brokers,
        topicNames(prefix).commandsDlq,
        (m) => m.length >= 3,
      );
      expect(letters).toHaveLength(3);
      const parsed = letters.map((l) => JSON.parse(l.value));
      for (const l of letters)
        expect(Buffer.byteLength(l.value)).toBeLessThan(BROKER_MESSAGE_LIMIT / 10);
      expect(parsed.map((p) => p.reason)).toEqual(['invalid_json', 'invalid_json', 'invalid_json']);
      expect(parsed.map((p) => p.original.size)).toEqual([500_000, Buffer.byteLength(controls), 0]);
      expect(parsed[0].original).toMatchObject({ encoding: 'base64', truncated: true });
      expect(Buffer.from(parsed[0].original.excerpt, 'base64')).toEqual(
        binary.subarray(0, Buffer.from(parsed[0].original.excerpt, 'base64').length),
      );
      expect(parsed[1].original.encoding).toBe('base64');
      expect(parsed[2].original).toMatchObject({ excerpt: '', truncated: false });
      // Each letter points at its original.
      expect(new Set(parsed.map((p) => p.original.offset)).size).toBe(3);

      await waitFor(async () =>
        (await heard.get(`/cases/${caseId}/events`)).status === 200 ? true : undefined,
      );
      const health = await heard.get('/health');
      expect(health.body.parts.intake).toMatchObject({ status: 'up' });
    });
  });

  it('restarts a consumer that kafkajs gave up on, and the message is taken after all', async () => {
    const topics = topicNames(uniquePrefix());
    const transport = new KafkaTransport({ brokers, topics, partitions: 1 });
    await transport.connect();
    await transport.ensureTopics();
    let calls = 0;
    const taken: string[] = [];
    const consumer = await transport.consume(topics.commands, `crash-${randomUUID()}`, (batch) => {
      calls += 1;
      // What a failed DLQ send over the size limit used to be: an error kafkajs does not retry.
      if (calls === 1) throw new KafkaJSNonRetriableError('the broker refused the record batch');
      taken.push(...batch.map((m) => m.value));
      return Promise.resolve();
    });
    await transport.send(topics.commands, [{ key: 'k', value: 'hello', headers: {} }]);
    await waitFor(async () => Promise.resolve(taken.length > 0 ? true : undefined));
    expect(taken).toEqual(['hello']);
    const [status] = transport.consumers();
    expect(status).toMatchObject({ state: 'running', restarts: 1 });
    expect(status!.lastError).toContain('refused the record batch');
    await consumer.stop();
    await transport.close();
  });

  it('drains a backlog of large events built while it could not publish, to lag 0', async () => {
    const dir = tempDataDir();
    const prefix = uniquePrefix();
    // 600 cases with 4,000-character summaries: 2.6 MB, which went as one refused request before.
    const store = new SqliteEventStore(`${dir}/events.db`);
    for (let i = 0; i < 600; i++)
      await store.append(
        `case-big-${i}`,
        [
          {
            type: 'CaseOpened',
            data: {
              caseId: `big-${i}`,
              customerId: `cu-${i % 50}`,
              channel: 'email',
              category: 'defect',
              summary: `${i} ${'a long complaint '.repeat(250)}`.slice(0, 4000),
            },
            metadata: {
              eventId: randomUUID(),
              commandId: `big-${i}`,
              correlationId: `big-${i}`,
              causationId: `big-${i}`,
              actor: { id: 'loader', kind: 'app' },
              occurredAt: new Date().toISOString(),
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    await store.close();
    const heard = await startHeard(dir, {
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_KAFKA_INTAKE_CONSUMERS: '0',
    });
    try {
      const health = await waitFor(async () => {
        const h = (await heard.get('/health')).body;
        return h.parts.publisher?.lag === 0 && h.parts.publisher.published === 600 ? h : undefined;
      });
      expect(health.parts.publisher.status).toBe('up');
      const published = await readTopic(
        brokers,
        topicNames(prefix).caseEvents,
        (m) => m.length >= 600,
      );
      expect(new Set(published.map((m) => m.headers.ce_id)).size).toBe(600);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});
