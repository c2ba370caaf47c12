import { randomUUID } from 'node:crypto';
import { cloudEvent, KafkaTransport, outboundTopics, topicNames } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';
import {
  describeWithKafka,
  kafkaClient,
  readTopic,
  uniquePrefix,
  type ConsumedMessage,
} from '../support/kafka';

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

describeWithKafka('heard on the outbound topics', (brokers) => {
  jest.setTimeout(120_000);

  it('sends trend changes, notices, due follow-ups and account alerts as CloudEvents, each once, also after a redelivered command and a restart', async () => {
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const dir = tempDataDir();
    const env = {
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_FOLLOW_UP_DELAY: '1s',
      HEARD_SCHEDULER_INTERVAL: '200ms',
      HEARD_SPIKE_MIN_CASES: '3',
      HEARD_ACCOUNT_ALERT_OPEN_CASES: '1',
      // The product team's app may ship fixes; any other producer is an integration.
      HEARD_KAFKA_PRODUCER_ROLES: 'pm-app=product',
    };
    let heard = await startHeard(dir, env);
    try {
      const ok = async (answer: Promise<{ status: number; body: unknown }>) =>
        expect((await answer).status).toBe(201);
      await ok(
        heard.post('/issues', {
          issueId: 'lid',
          title: 'Lid leaks',
          product: 'Bottle',
          category: 'defect',
        }),
      );
      await ok(heard.post('/issues/lid/acknowledgement', { team: 'bottles', owner: 'pm-1' }));
      for (const [caseId, customerId, accountId] of [
        ['k1', 'cust-1', 'acct-1'],
        ['k2', 'cust-2', 'acct-1'],
        ['k3', 'cust-3', undefined],
        ['k4', 'cust-4', undefined],
      ] as const) {
        await ok(
          heard.post('/cases', {
            caseId,
            customerId,
            accountId,
            channel: 'chat',
            category: 'defect',
            product: 'Bottle',
            summary: 'Lid leaks',
          }),
        );
        if (caseId !== 'k4')
          await ok(heard.post(`/cases/${caseId}/issue-links`, { issueId: 'lid' }));
      }
      await ok(
        heard.post('/cases/k1/escalations', {
          agentId: 'ana',
          level: 'manager',
          reason: 'Wants to cancel',
          notifySales: true,
        }),
      );
      await ok(heard.post('/cases/k3/resolution', { agentId: 'ana', resolution: 'New lid sent' }));
      // The product team's app ships the fix over Kafka, and the broker delivers it twice
      // (same commandId): one FixShipped, one notice per customer.
      const shipFix = {
        key: 'issue-lid',
        headers: { ce_source: 'pm-app' },
        value: JSON.stringify({
          type: 'ShipFix',
          commandId: 'pm-app-ship-lid-v2',
          data: { issueId: 'lid', release: 'v2', description: 'A firmer seal' },
        }),
      };
      const producer = kafkaClient(brokers).producer();
      await producer.connect();
      await producer.send({ topic: topics.commands, messages: [shipFix, shipFix] });
      await producer.disconnect();
      await ok(
        heard.post('/incidents', {
          title: 'Orders delayed',
          message: 'Your order ships Monday',
          affectedCustomerIds: ['cust-1', 'cust-9'],
        }),
      );

      const byType = (messages: ConsumedMessage[]) =>
        messages.map((m) => `${m.headers.ce_type} ${m.key}`).sort();
      const followUps = [
        'heard.follow-up.due cust-3',
        'heard.notice.fix-shipped cust-1',
        'heard.notice.fix-shipped cust-2',
        'heard.notice.fix-shipped cust-3',
        'heard.notice.incident-declared cust-1',
        'heard.notice.incident-declared cust-9',
      ];
      const trends = [
        'heard.issue-trend.acknowledged issue:lid',
        'heard.issue-trend.appeared issue:lid',
        'heard.issue-trend.fix-shipped issue:lid',
        'heard.issue-trend.spiking issue:lid',
      ];
      const alerts = [
        'heard.account-alert.escalation acct-1',
        'heard.account-alert.open-cases acct-1',
      ];
      const read = async (topic: string, count: number, timeoutMs: number) =>
        readTopic(brokers, topic, (m) => m.length > count, timeoutMs);

      const notices = await readTopic(
        brokers,
        topics.followUps,
        (m) => m.length >= followUps.length,
        30_000,
      );
      expect(byType(notices)).toEqual(followUps);
      const fix = notices.find(
        (m) => m.headers.ce_type === 'heard.notice.fix-shipped' && m.key === 'cust-1',
      )!;
      expect(fix.headers).toMatchObject({
        ce_specversion: '1.0',
        ce_source: 'heard/follow-ups',
        ce_subject: 'issue-lid',
      });
      expect(JSON.parse(fix.value)).toMatchObject({
        issueId: 'lid',
        release: 'v2',
        caseIds: ['k1'],
        reportedBy: 3,
      });
      expect(
        byType(
          await readTopic(brokers, topics.issueTrends, (m) => m.length >= trends.length, 30_000),
        ),
      ).toEqual(trends);
      expect(
        byType(
          await readTopic(brokers, topics.accountAlerts, (m) => m.length >= alerts.length, 30_000),
        ),
      ).toEqual(alerts);

      const issueEvents = await heard.get('/reports/recurring-issues?kind=issue');
      expect(issueEvents.body.groups[0]).toMatchObject({
        issueStatus: 'fix_shipped',
        fixRelease: 'v2',
      });

      // A restart sends nothing again: waiting for one message more than expected times out.
      await heard.stop();
      heard = await startHeard(dir, env);
      await new Promise((r) => setTimeout(r, 1000));
      const all = await read(topics.followUps, followUps.length, 3000);
      expect(byType(all)).toEqual(followUps);
      expect(new Set(all.map((m) => m.headers.ce_id)).size).toBe(all.length);
      expect(byType(await read(topics.issueTrends, trends.length, 3000))).toEqual(trends);
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});

describeWithKafka('heard.sla-alerts on the broker', (brokers) => {
  jest.setTimeout(60_000);

  it('carries the warning, the breach, the escalation and the broken promise heard recorded on its own, keyed by case', async () => {
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const dir = tempDataDir();
    const heard = await startHeard(dir, {
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_SCHEDULER_INTERVAL: '200ms',
    });
    try {
      const policy = await heard.put('/sla-policies/fast', {
        name: 'Fast',
        calendar: { timeZone: 'UTC', hours: '24x7' },
        targets: { firstResponse: 'PT2S' },
        escalation: [{ level: 'team', after: 'PT0S' }],
      });
      expect(policy.status).toBe(201);
      expect(
        (
          await heard.post('/cases', {
            caseId: 'late-1',
            customerId: 'cust-late',
            channel: 'email',
            category: 'billing',
            summary: 'No answer yet',
          })
        ).body.events,
      ).toEqual(['CaseOpened', 'SlaPolicyApplied']);
      await heard.post('/cases/late-1/promises', {
        agentId: 'ana',
        promise: 'I will call you back',
        dueAt: new Date(Date.now() + 1000).toISOString(),
        keptBy: 'manual',
      });
      const alerts = await readTopic(brokers, topics.slaAlerts, (m) => m.length >= 4, 30_000);
      expect(alerts.map((m) => `${m.headers.ce_type} ${m.key}`).sort()).toEqual([
        'heard.sla-alert.breach late-1',
        'heard.sla-alert.escalation late-1',
        'heard.sla-alert.promise-broken late-1',
        'heard.sla-alert.warning late-1',
      ]);
      const breach = alerts.find((m) => m.headers.ce_type === 'heard.sla-alert.breach')!;
      expect(breach.headers).toMatchObject({
        ce_source: 'heard/sla-alerts',
        ce_subject: 'case-late-1',
      });
      expect(JSON.parse(breach.value)).toMatchObject({
        caseId: 'late-1',
        customerId: 'cust-late',
        target: 'firstResponse',
        policyId: 'fast',
        policyVersion: 1,
      });
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});
