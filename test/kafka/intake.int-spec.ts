import { randomUUID } from 'node:crypto';
import { CommandIntake } from '@heard/intake';
import { KafkaTransport, topicNames, type ReceivedMessage } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import { describeWithKafka, kafkaClient, readTopic, uniquePrefix, waitFor } from '../support/kafka';

describeWithKafka('command intake from heard.commands', (brokers) => {
  jest.setTimeout(120_000);
  let dir: string;
  let heard: RunningHeard;
  let prefix: string;
  const producer = () => kafkaClient(brokers).producer();

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

  const send = async (
    messages: Array<{ key: string; value: string; headers?: Record<string, string> }>,
  ) => {
    const p = producer();
    await p.connect();
    // Every producer names itself (CloudEvents' source): heard records it as the actor.
    await p.send({
      topic: topicNames(prefix).commands,
      messages: messages.map((m) => ({ ...m, headers: { ce_source: 'crm-app', ...m.headers } })),
    });
    await p.disconnect();
  };
  const trail = async (caseId: string) =>
    (await heard.get(`/cases/${caseId}/events`)).body?.events ?? [];

  it('appends valid commands, dead-letters the rest with a reason, and appends a redelivered command once', async () => {
    const caseId = `kafka-${randomUUID()}`;
    const open = {
      type: 'OpenCase',
      commandId: `open-${caseId}`,
      data: {
        caseId,
        customerId: 'cust-k',
        channel: 'chat',
        category: 'billing',
        summary: 'Charged twice',
      },
    };
    const contact = {
      type: 'LogContact',
      commandId: `contact-${caseId}`,
      data: { caseId, channel: 'chat', direction: 'inbound', agentId: 'ana', note: 'via Kafka' },
    };
    const invalid = {
      type: 'LogContact',
      data: { caseId, channel: 'pigeon', direction: 'inbound', agentId: 'ana', note: 'x' },
    };
    const unknownCase = {
      type: 'LogContact',
      data: {
        caseId: `nope-${caseId}`,
        channel: 'chat',
        direction: 'inbound',
        agentId: 'ana',
        note: 'x',
      },
    };
    const broken = {
      type: 'HandOverCase',
      data: { caseId, fromAgentId: 'ana', toTeam: 'billing' },
    };
    await send([
      { key: `case-${caseId}`, value: JSON.stringify(open) },
      { key: `case-${caseId}`, value: JSON.stringify(contact) },
      { key: `case-${caseId}`, value: JSON.stringify(contact) }, // redelivered
      { key: `case-${caseId}`, value: JSON.stringify(invalid) },
      { key: `case-${caseId}`, value: JSON.stringify(unknownCase) },
      { key: `case-${caseId}`, value: JSON.stringify(broken) },
      { key: `case-${caseId}`, value: '{not json' },
    ]);
    const dead = await readTopic(
      brokers,
      topicNames(prefix).commandsDlq,
      (m) => m.filter((x) => x.key === `case-${caseId}`).length >= 4,
      60_000,
    );
    const letters = dead.filter((m) => m.key === `case-${caseId}`).map((m) => JSON.parse(m.value));
    expect(letters.map((l) => l.reason).sort()).toEqual(
      [
        'case.not_found',
        'handover.executive_summary_required',
        'invalid_json',
        'validation_failed',
      ].sort(),
    );
    const invalidLetter = letters.find((l) => l.reason === 'validation_failed');
    expect(invalidLetter.error.fields[0].field).toBe('channel');
    expect(JSON.parse(invalidLetter.original.excerpt)).toEqual(invalid);
    expect(invalidLetter.original).toMatchObject({
      topic: topicNames(prefix).commands,
      key: `case-${caseId}`,
    });

    const events = await waitFor(async () => {
      const e = await trail(caseId);
      return e.length >= 2 ? e : undefined;
    });
    expect(events.map((e: { type: string }) => e.type)).toEqual(['CaseOpened', 'ContactLogged']);
    expect(await trail(`nope-${caseId}`)).toEqual([]);

    // Health and metrics say what Kafka did.
    const health = await heard.get('/health');
    expect(health.body.parts.messaging).toMatchObject({ status: 'up', transport: 'kafka' });
    const metrics = await fetch(`${heard.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/heard_intake_commands_total\{outcome="accepted"\} [2-9]/);
    expect(metrics).toMatch(/heard_intake_commands_total\{outcome="dead_lettered"\} [4-9]/);
    expect(metrics).toMatch(/heard_consumer_lag\{group="[^"]+",topic="[^"]+\.commands"\} \d+/);
  });

  it('records the producing app as the actor, and dead-letters forged actors, unnamed producers and commands an app may not send', async () => {
    const caseId = `kafka-${randomUUID()}`;
    const open = {
      type: 'OpenCase',
      data: { caseId, customerId: 'c', channel: 'phone', category: 'b', summary: 's' },
    };
    const contact = (note: string) => ({
      type: 'LogContact',
      data: { caseId, channel: 'chat', direction: 'inbound', agentId: 'ana', note },
    });
    await send([
      { key: `case-${caseId}`, value: JSON.stringify(open) },
      { key: `case-${caseId}`, value: JSON.stringify(contact('for ana')) },
      {
        key: `case-${caseId}`,
        value: JSON.stringify(contact('for bo, named in a header')),
        headers: { 'x-actor-id': 'bo' },
      },
      {
        key: `case-${caseId}`,
        value: JSON.stringify(contact('forged')),
        headers: { 'x-actor-id': 'ceo', 'x-actor-role': 'admin', 'x-actor-kind': 'system' },
      },
      {
        key: `case-${caseId}`,
        value: JSON.stringify(contact('nobody')),
        headers: { ce_source: '' },
      },
      {
        key: `case-${caseId}`,
        value: JSON.stringify({
          type: 'IdentifyIssue',
          data: { title: 'From an app', product: 'p', category: 'c' },
        }),
      },
    ]);
    const dead = await readTopic(
      brokers,
      topicNames(prefix).commandsDlq,
      (m) => m.filter((x) => x.key === `case-${caseId}`).length >= 3,
      60_000,
    );
    const letters = dead.filter((m) => m.key === `case-${caseId}`).map((m) => JSON.parse(m.value));
    expect(letters.map((l) => l.reason).sort()).toEqual(
      ['actor_refused', 'forbidden', 'validation_failed'].sort(),
    );
    expect(letters.find((l) => l.reason === 'validation_failed').error.fields[0].field).toBe(
      'ce_source',
    );
    expect(letters.find((l) => l.reason === 'actor_refused').error.message).toContain(
      'X-Actor-Kind, X-Actor-Role',
    );
    const events = await waitFor(async () => {
      const e = await trail(caseId);
      return e.length >= 3 ? e : undefined;
    });
    expect(events.map((e: { actor: unknown }) => e.actor)).toEqual([
      { id: 'kafka:crm-app', kind: 'app', role: 'integration' },
      { id: 'ana', kind: 'agent', via: 'kafka:crm-app' },
      { id: 'bo', kind: 'agent', via: 'kafka:crm-app' },
    ]);
    expect(events.map((e: { data: { note?: string } }) => e.data.note)).not.toContain('forged');
  });

  it('a message redelivered without a commandId appends once: its offset is its key', async () => {
    const caseId = `kafka-${randomUUID()}`;
    await send([
      {
        key: `case-${caseId}`,
        value: JSON.stringify({
          type: 'OpenCase',
          data: { caseId, customerId: 'c', channel: 'phone', category: 'b', summary: 's' },
        }),
      },
    ]);
    await waitFor(async () => ((await trail(caseId)).length ? true : undefined));
    // Redelivery is the same message again (same topic, partition, offset): feed it to the intake twice.
    const transport = new KafkaTransport({ brokers, topics: topicNames(prefix) });
    const seen: ReceivedMessage[] = [];
    const reader = await transport.consume(
      topicNames(prefix).commands,
      `redeliver-${prefix}`,
      (batch) => {
        seen.push(...batch.filter((m) => m.key === `case-${caseId}`));
        return Promise.resolve();
      },
    );
    await waitFor(async () => Promise.resolve(seen.length ? true : undefined));
    await reader.stop();
    await transport.close();
    const intake = heard.app.get(CommandIntake);
    await intake.handleBatch([seen[0]!]);
    await intake.handleBatch([seen[0]!, seen[0]!]);
    expect((await trail(caseId)).map((e: { type: string }) => e.type)).toEqual(['CaseOpened']);
  });

  it('two consumers in one group share the partitions and together take every message once', async () => {
    const topics = topicNames(uniquePrefix());
    const transport = new KafkaTransport({ brokers, topics, partitions: 4 });
    await transport.connect();
    await transport.ensureTopics();
    const group = `pair-${randomUUID()}`;
    const byConsumer: Array<Set<number>> = [new Set(), new Set()];
    const taken: string[] = [];
    const consumers = await Promise.all(
      [0, 1].map((i) =>
        transport.consume(topics.commands, group, (batch) => {
          for (const m of batch) {
            byConsumer[i]!.add(m.partition);
            taken.push(m.value);
          }
          return Promise.resolve();
        }),
      ),
    );
    // Let the group settle on both members before sending.
    await new Promise((r) => setTimeout(r, 5000));
    await transport.send(
      topics.commands,
      Array.from({ length: 200 }, (_, i) => ({ key: `k-${i}`, value: String(i), headers: {} })),
    );
    await waitFor(async () => Promise.resolve(taken.length >= 200 ? true : undefined), 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(consumers.map((c) => c.stop()));
    await transport.close();
    console.log(
      `group ledger: sent 200, taken ${taken.length}, distinct ${new Set(taken).size}, partitions per consumer ${byConsumer.map((s) => [...s].sort().join('+')).join(' / ')}`,
    );
    expect(new Set(taken).size).toBe(200);
    expect(taken).toHaveLength(200);
    expect(byConsumer[0]!.size).toBeGreaterThan(0);
    expect(byConsumer[1]!.size).toBeGreaterThan(0);
    expect([...byConsumer[0]!].some((p) => byConsumer[1]!.has(p))).toBe(false);
  });
});
