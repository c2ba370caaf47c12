import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { KafkaTransport, topicNames } from '@heard/messaging';
import { startHeardProcess } from './child-server';
import { log, round, JSON_HEADERS } from './workload';

const health = async (url: string) =>
  (await fetch(`${url}/health`).then((r) => r.json())) as {
    parts: { publisher?: { lag?: number; published: number } };
  };

/** Commands the intake recorded so far (positions are opaque: counted, not subtracted). */
const intakeAccepted = async (url: string) => {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const match = /^heard_intake_commands_total\{outcome="accepted"\} (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
};

const until = async (probe: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Intake commands/s end to end and publisher events/s, beside a bare kafkajs producer's rate. */
export const kafkaBench = async (brokers: string[], work: string, messages: number) => {
  const kafka = new Kafka({ clientId: 'heard-bench', brokers, logLevel: logLevel.ERROR });
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const topics = topicNames(prefix);
  const admin = new KafkaTransport({ brokers, topics, partitions: 3 });
  await admin.connect();
  await admin.ensureTopics();
  await admin.close();

  // 1. The ceiling: a bare kafkajs producer, set up as heard's (idempotent, acks from all replicas).
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const body = (caseId: string) =>
    JSON.stringify({
      type: 'LogContact',
      data: {
        caseId,
        channel: 'phone',
        direction: 'inbound',
        agentId: 'agent-07',
        note: 'Customer calls about the second charge on the March invoice',
      },
    });
  const caseIds = Array.from({ length: 2000 }, (_, i) => `kbench-${i}`);
  const produceAll = async (topic: string, count: number) => {
    for (let i = 0; i < count; i += 500)
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: Math.min(500, count - i) }, (_, j) => {
          const caseId = caseIds[(i + j) % caseIds.length]!;
          return { key: `case-${caseId}`, value: body(caseId), headers: { ce_source: 'bench' } };
        }),
      });
  };
  let started = process.hrtime.bigint();
  await produceAll(`${prefix}.case-events`, messages);
  const bare = round(messages / (Number(process.hrtime.bigint() - started) / 1e9));
  log(`  bare kafkajs producer (idempotent, acks=all, 500 per send): ${bare} messages/s`);

  // 2. The intake end to end: message in, validated, decided, event durable.
  const dir = join(work, 'kafka');
  const env = { HEARD_KAFKA_BROKERS: brokers.join(','), HEARD_KAFKA_TOPIC_PREFIX: prefix };
  let heard = await startHeardProcess(dir, 3905, env);
  for (let i = 0; i < caseIds.length; i += 500) {
    const response = await fetch(`${heard.url}/commands`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        commands: caseIds.slice(i, i + 500).map((caseId) => ({
          type: 'OpenCase',
          data: {
            caseId,
            customerId: `c-${caseId}`,
            channel: 'phone',
            category: 'billing',
            summary: 'Charged twice',
          },
        })),
      }),
    });
    if (response.status !== 200)
      throw new Error(`opening cases: ${response.status} ${await response.text()}`);
  }
  const before = await intakeAccepted(heard.url);
  started = process.hrtime.bigint();
  await produceAll(topics.commands, messages);
  await until(async () => (await intakeAccepted(heard.url)) >= before + messages, 600_000);
  const intake = round(messages / (Number(process.hrtime.bigint() - started) / 1e9));
  log(
    `  intake ${topics.commands} -> event stored: ${intake} commands/s (${round((100 * intake) / bare)}% of the bare producer)`,
  );
  await heard.stop();
  await producer.disconnect();

  // 3. The publisher alone: the same store published again to fresh topics.
  const republish = `${prefix}-re`;
  const readmin = new KafkaTransport({ brokers, topics: topicNames(republish), partitions: 3 });
  await readmin.connect();
  await readmin.ensureTopics();
  await readmin.close();
  heard = await startHeardProcess(dir, 3906, {
    ...env,
    HEARD_KAFKA_TOPIC_PREFIX: republish,
    HEARD_KAFKA_INTAKE_CONSUMERS: '0',
  });
  started = process.hrtime.bigint();
  await until(async () => (await health(heard.url)).parts.publisher?.lag === 0, 600_000);
  const published = (await health(heard.url)).parts.publisher!.published;
  const publisher = round(published / (Number(process.hrtime.bigint() - started) / 1e9));
  log(
    `  publisher -> ${republish}.case-events: ${publisher} events/s (${round((100 * publisher) / bare)}% of the bare producer)`,
  );
  await heard.stop();
  return {
    messages,
    bareProducerPerSecond: bare,
    intakeCommandsPerSecond: intake,
    publisherEventsPerSecond: publisher,
  };
};
