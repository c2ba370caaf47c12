import { randomUUID } from 'node:crypto';
import { cloudEvent, KafkaTransport, outboundTopics, topicNames } from '@heard/messaging';
import { describeWithKafka, kafkaClient, readTopic, uniquePrefix } from '../support/kafka';

describeWithKafka('outbound topics', (brokers) => {
  jest.setTimeout(60_000);

  it('are created with the configured partitions and carry CloudEvents sent through the transport', async () => {
    const topics = topicNames(uniquePrefix());
    const transport = new KafkaTransport({ brokers, topics, partitions: 2 });
    try {
      await transport.connect();
      await transport.ensureTopics();
      const admin = kafkaClient(brokers).admin();
      await admin.connect();
      const metadata = await admin.fetchTopicMetadata({ topics: outboundTopics(topics) });
      await admin.disconnect();
      const partitions = Object.fromEntries(
        metadata.topics.map((t) => [t.name, t.partitions.length]),
      );
      expect(partitions).toEqual(
        Object.fromEntries(outboundTopics(topics).map((name) => [name, 2])),
      );
      for (const topic of outboundTopics(topics)) {
        const id = randomUUID();
        await transport.send(topic, [
          cloudEvent({
            id,
            type: 'heard.Test',
            source: 'heard/tests',
            subject: 'issue-i1',
            time: '2026-03-01T10:00:00.000Z',
            data: { hello: topic },
          }),
        ]);
        const [message] = await readTopic(brokers, topic, (m) => m.length >= 1, 30_000);
        expect(message).toMatchObject({
          key: 'issue-i1',
          headers: {
            ce_id: id,
            ce_type: 'heard.Test',
            ce_specversion: '1.0',
            'content-type': 'application/json',
          },
        });
        expect(JSON.parse(message!.value)).toEqual({ hello: topic });
      }
    } finally {
      await transport.close();
    }
  });
});
