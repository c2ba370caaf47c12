import { topicNames } from '@heard/messaging';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import {
  describeWithKafka,
  kafkaClient,
  readTopic,
  startOwnBroker,
  uniquePrefix,
  waitFor,
  type OwnBroker,
} from '../support/kafka';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A broker that hangs (SIGSTOP) keeps its sockets open and answers nothing: kafkajs' connect
// and sends time out rather than fail fast, which is what kept a failed first connect for good.
describeWithKafka('a broker that stops answering and comes back', () => {
  jest.setTimeout(600_000);
  let broker: OwnBroker;
  let heard: RunningHeard;
  let dir: string;
  const prefix = uniquePrefix();
  const topics = topicNames(prefix);

  beforeAll(async () => {
    broker = await startOwnBroker();
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_KAFKA_BROKERS: broker.brokers.join(','),
      HEARD_KAFKA_TOPIC_PREFIX: prefix,
      HEARD_KAFKA_INTAKE_GROUP: `intake-${prefix}`,
      // Two open cases of one account raise an alert: the outbox relay then has work.
      HEARD_ACCOUNT_ALERT_OPEN_CASES: '1',
      HEARD_SCHEDULER_INTERVAL: '500ms',
      HEARD_STALL_AFTER: '10s',
    });
  });
  afterAll(async () => {
    await heard?.stop();
    broker?.stop();
    if (dir) removeDir(dir);
  });

  const openCases = async (account: string) => {
    for (const caseId of [`${account}-a`, `${account}-b`]) {
      const answer = await heard.post('/cases', {
        caseId,
        customerId: `cust-${caseId}`,
        accountId: account,
        channel: 'chat',
        category: 'defect',
        summary: 'The lid leaks',
      });
      expect(answer.status).toBe(201);
    }
  };

  /** A command over the intake, applied once the broker answers again. */
  const sendOverKafka = async (caseId: string) => {
    const producer = kafkaClient(broker.brokers).producer();
    await producer.connect();
    await producer.send({
      topic: topics.commands,
      messages: [
        {
          key: `case-${caseId}`,
          headers: { ce_source: 'crm-app' },
          value: JSON.stringify({
            type: 'OpenCase',
            data: {
              caseId,
              customerId: 'cu',
              channel: 'chat',
              category: 'b',
              summary: 'over Kafka',
            },
          }),
        },
      ],
    });
    await producer.disconnect();
  };

  /** Health is ok again with nothing left to send, without a restart. */
  const recovered = async (casesOpened: number) => {
    let last: unknown;
    try {
      return await waitFor(async () => {
        const { status, body } = await heard.get('/health');
        last = body;
        // Every part up again: the intake's consumers may wait out their restart backoff.
        return status === 200 &&
          body.status === 'ok' &&
          body.parts.publisher?.lag === 0 &&
          body.parts.publisher?.published === casesOpened &&
          body.parts.relay?.pending === 0
          ? body
          : undefined;
      }, 120_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; /health said ${JSON.stringify(last)}`);
    }
  };

  it('publisher, relay and intake send again by themselves after a freeze before their first send', async () => {
    broker.freeze();
    await openCases('acct-1');
    // Long enough for every connect and send under way to give up.
    await sleep(40_000);
    broker.thaw();
    const health = await recovered(2);
    expect(health.status).toBe('ok');
    expect(health.parts.intake).toMatchObject({ status: 'up' });
    await sendOverKafka('over-kafka-1');
    await waitFor(async () =>
      (await heard.get('/cases/over-kafka-1/events')).status === 200 ? true : undefined,
    );
  });

  it('and again after a freeze that follows sends that succeeded', async () => {
    broker.freeze();
    await openCases('acct-2');
    await sleep(40_000);
    broker.thaw();
    const health = await recovered(5);
    expect(health.status).toBe('ok');
    await sendOverKafka('over-kafka-2');
    await waitFor(async () =>
      (await heard.get('/cases/over-kafka-2/events')).status === 200 ? true : undefined,
    );
    const alerts = await readTopic(broker.brokers, topics.accountAlerts, (m) => m.length >= 2);
    expect(alerts.map((m) => m.key).sort()).toEqual(['acct-1', 'acct-2']);
    const published = await readTopic(broker.brokers, topics.caseEvents, (m) => m.length >= 6);
    expect(new Set(published.map((m) => m.headers.ce_id)).size).toBe(6);
  });
});
