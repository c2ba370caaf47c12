import type { Worker } from 'node:worker_threads';
import { ThreadedEventPublisher, ThreadedOutboxRelay } from '@heard/projections-thread';
import { EventPublisher, OutboxRelay, topicNames } from '@heard/messaging';
import { ProjectionRunner } from '@heard/projections';
import { removeDir, startHeard, tempDataDir } from '../support/heard-app';
import { describeWithKafka, readTopic, uniquePrefix, waitFor } from '../support/kafka';

describeWithKafka('the relay and the publisher in the projections thread', (brokers) => {
  jest.setTimeout(120_000);

  it('send from there, report to health, and go on when the thread is started again', async () => {
    const prefix = uniquePrefix();
    const topics = topicNames(prefix);
    const dir = tempDataDir();
    const heard = await startHeard(dir, {
      HEARD_KAFKA_BROKERS: brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_SCHEDULER_INTERVAL: '200ms',
      HEARD_ACCOUNT_ALERT_OPEN_CASES: '1',
    });
    try {
      expect(heard.app.get(OutboxRelay)).toBeInstanceOf(ThreadedOutboxRelay);
      expect(heard.app.get(EventPublisher)).toBeInstanceOf(ThreadedEventPublisher);
      const thread = () =>
        heard.app.get<ProjectionRunner, { worker?: Worker }>(ProjectionRunner).worker;
      const openCase = async (caseId: string, accountId: string) =>
        expect(
          (
            await heard.post('/cases', {
              caseId,
              customerId: `cust-${caseId}`,
              accountId,
              channel: 'phone',
              category: 'billing',
              summary: 'Charged twice',
            })
          ).status,
        ).toBe(201);
      // Each case puts its event on case-events (the publisher); an account's second open case
      // puts an alert on account-alerts (the relay: above the threshold of one).
      const sentFor = async (caseId: string, accountId: string) => {
        const events = await readTopic(brokers, topics.caseEvents, (m) =>
          m.some((e) => e.key.includes(caseId)),
        );
        expect(events.some((e) => e.key.includes(caseId))).toBe(true);
        const alerts = await readTopic(brokers, topics.accountAlerts, (m) =>
          m.some((a) => a.key === accountId),
        );
        expect(alerts.filter((a) => a.key === accountId).length).toBeGreaterThan(0);
      };

      await openCase('t1', 'acct-1');
      await openCase('t1b', 'acct-1');
      await sentFor('t1b', 'acct-1');
      const health = await waitFor(async () => {
        const answer = await heard.get('/health');
        const { publisher, relay } = answer.body.parts;
        return publisher.published > 0 && publisher.lag === 0 && relay.relayed > 0
          ? answer
          : undefined;
      });
      expect(health.body.parts.publisher.status).toBe('up');
      expect(health.body.parts.relay.status).toBe('up');

      const first = thread()!;
      await first.terminate();
      // Appended while the thread is down: sent once it is back.
      await openCase('t2', 'acct-2');
      await openCase('t2b', 'acct-2');
      await sentFor('t2b', 'acct-2');
      expect(thread()).not.toBe(first);
      const after = await waitFor(async () => {
        const answer = await heard.get('/health');
        return answer.body.parts.publisher.lag === 0 && answer.body.status === 'ok'
          ? answer
          : undefined;
      });
      expect(after.body.parts.relay.status).toBe('up');
    } finally {
      await heard.stop();
      removeDir(dir);
    }
  });
});
