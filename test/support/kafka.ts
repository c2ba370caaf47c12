import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describeWithService } from './service-suite';

/** The broker the Kafka suites run against: scripts/kafka.sh start, then HEARD_TEST_KAFKA_BROKERS=127.0.0.1:9092. */
export const testBrokers = (): string[] =>
  (process.env.HEARD_TEST_KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);

/** A Kafka suite: against the real broker, skipped with the reason, failed in CI without one. */
export const describeWithKafka = (name: string, suite: (brokers: string[]) => void) => {
  const brokers = testBrokers();
  return describeWithService(
    'Kafka',
    name,
    brokers.length > 0 ? { value: brokers, shown: `Kafka at ${brokers.join(',')}` } : undefined,
    'HEARD_TEST_KAFKA_BROKERS is not set; start a broker with scripts/kafka.sh start and set HEARD_TEST_KAFKA_BROKERS=127.0.0.1:9092',
    suite,
    [],
  );
};

/** A topic prefix of its own, so suites sharing a broker never see each other's messages. */
export const uniquePrefix = () => `test-${randomUUID().slice(0, 8)}`;

export const kafkaClient = (brokers: string[]) =>
  new Kafka({ clientId: 'heard-tests', brokers, logLevel: logLevel.NOTHING });

export interface ConsumedMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

/** Reads a topic from the beginning with a fresh group until `done` says so or the time runs out. */
export const readTopic = async (
  brokers: string[],
  topic: string,
  done: (messages: ConsumedMessage[]) => boolean,
  timeoutMs = 60_000,
): Promise<ConsumedMessage[]> => {
  const consumer = kafkaClient(brokers).consumer({ groupId: `reader-${randomUUID()}` });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        if (v !== undefined) headers[k] = v.toString();
      messages.push({
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers,
        partition,
        offset: message.offset,
      });
      if (done(messages)) finish();
      return Promise.resolve();
    },
  });
  const timer = setTimeout(finish, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return messages;
};

/** Polls `probe` until it gives a value, or throws after `timeoutMs`. */
export const waitFor = async <T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A broker of a test's own (scripts/kafka.sh on free ports), for tests that freeze or stop it. */
export interface OwnBroker {
  brokers: string[];
  /** SIGSTOP: the process keeps its sockets and answers nothing, like a hung broker. */
  freeze(): void;
  thaw(): void;
  stop(): void;
}

export const startOwnBroker = async (): Promise<OwnBroker> => {
  const { freePort } = await import('./heard-app');
  const root = join(__dirname, '..', '..');
  const [port, controllerPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
  };
  const run = (verb: string) => {
    const result = spawnSync('bash', ['scripts/kafka.sh', verb], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (result.status !== 0)
      throw new Error(`scripts/kafka.sh ${verb} failed: ${result.stderr || result.stdout}`);
    return result.stdout.trim();
  };
  // The same Kafka version as the shared broker (KAFKA_VERSION, as .ci/run sets it).
  run('start');
  const runDir = run('dir');
  const pid = Number(readFileSync(join(runDir, 'kafka.pid'), 'utf8'));
  return {
    brokers: [`127.0.0.1:${port}`],
    freeze: () => process.kill(pid, 'SIGSTOP'),
    thaw: () => process.kill(pid, 'SIGCONT'),
    stop: () => {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
      run('stop');
      rmSync(runDir, { recursive: true, force: true });
    },
  };
};
