import { StartRefused } from '@heard/config';
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer as KafkaConsumer,
  type Producer,
  type logCreator,
} from 'kafkajs';
import { TOPICS, type TopicName, type Topics } from '../topics';
import { RestartBackoff } from './restart-backoff';
import type {
  Consumer,
  ConsumerStatus,
  Message,
  BatchHandler,
  MessageTransport,
  TransportStats,
} from '../transport.port';

export interface KafkaTransportOptions {
  brokers: string[];
  clientId?: string;
  /** Partitions of the topics heard creates. */
  partitions?: number;
  replicationFactor?: number;
  /** The topics ensureTopics creates. */
  topics?: Topics;
  /** Receives kafkajs' warnings and errors. */
  log?: (level: 'error' | 'warn' | 'info', message: string) => void;
}

/** No broker answered: the message names the setting and what was tried. */
export class KafkaUnavailable extends StartRefused {
  override readonly name = 'KafkaUnavailable';
}

const fromHeaders = (
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
) => {
  const result: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    const value = Array.isArray(v) ? v[0] : v;
    if (value !== undefined) result[k] = value.toString();
  }
  return result;
};

/**
 * kafkajs behind heard's transport port. The producer is idempotent with acks from all
 * in-sync replicas and one request in flight, so a retry neither duplicates nor reorders
 * within a session. Consumers commit an offset only after the handler resolved.
 */
export class KafkaTransport implements MessageTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private admin: Admin;
  private adminConnected?: Promise<Admin>;
  private producerConnected?: Promise<Producer>;
  private readonly kafkaConsumers = new Set<KafkaConsumer>();
  private readonly statuses = new Set<ConsumerStatus>();
  private readonly counters: TransportStats = { produced: 0, consumed: 0 };

  constructor(private readonly options: KafkaTransportOptions) {
    const log = options.log ?? (() => undefined);
    const creator: logCreator =
      () =>
      ({ level, log: entry }) => {
        const text = `kafkajs ${entry.logger ?? ''}: ${entry.message}${entry.error ? ` (${String(entry.error)})` : ''}`;
        if (level === KafkaLogLevel.ERROR) log('error', text);
        else if (level === KafkaLogLevel.WARN) log('warn', text);
      };
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'heard',
      brokers: options.brokers,
      logLevel: KafkaLogLevel.WARN,
      logCreator: creator,
      connectionTimeout: 3000,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.admin = this.kafka.admin();
  }

  /**
   * The producer, connected; a new one after a failed connect or send. kafkajs keeps a
   * producer whose connect failed (or whose broker hung mid-send) disconnected for good, so
   * holding on to it would fail every later send; the callers retry with their own backoff.
   */
  private producer(): Promise<Producer> {
    if (this.producerConnected) return this.producerConnected;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client: one stream, one partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    const connected = producer.connect().then(
      () => producer,
      (error: unknown) => {
        this.dropProducer(connected, producer);
        throw error;
      },
    );
    this.producerConnected = connected;
    return connected;
  }

  private dropProducer(connected: Promise<Producer>, producer: Producer): void {
    if (this.producerConnected !== connected) return;
    this.producerConnected = undefined;
    void producer.disconnect().catch(() => undefined);
  }

  /** The admin client, connected; reconnected on the next call after one failed. */
  private async adminCall<T>(call: (admin: Admin) => Promise<T>): Promise<T> {
    const connected = (this.adminConnected ??= this.admin.connect().then(() => this.admin));
    try {
      return await call(await connected);
    } catch (error) {
      if (this.adminConnected === connected) {
        this.adminConnected = undefined;
        const admin = this.admin;
        this.admin = this.kafka.admin();
        void admin.disconnect().catch(() => undefined);
      }
      throw error;
    }
  }

  /** Connects and asks the cluster to describe itself; throws KafkaUnavailable naming the brokers. */
  async connect(timeoutMs = 10_000): Promise<void> {
    const attempt = this.adminCall((admin) => admin.describeCluster());
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([attempt, timeout]);
    } catch (error) {
      attempt.catch(() => undefined);
      throw new KafkaUnavailable(
        `HEARD_KAFKA_BROKERS=${this.options.brokers.join(',')}: no Kafka broker answered (${(error as Error).message}). ` +
          'Start one (scripts/kafka.sh start), fix the address, or unset HEARD_KAFKA_BROKERS to run embedded.',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async ensureTopics(): Promise<void> {
    const existing = new Set(await this.adminCall((admin) => admin.listTopics()));
    const missing = Object.values(this.options.topics ?? TOPICS).filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.adminCall((admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.partitions ?? 3,
          replicationFactor: this.options.replicationFactor ?? 1,
        })),
      }),
    );
  }

  async send(topic: TopicName, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const connected = this.producer();
    const producer = await connected;
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers,
        })),
      });
    } catch (error) {
      this.dropProducer(connected, producer);
      throw error;
    }
    this.counters.produced += messages.length;
  }

  /**
   * Joins `groupId` on `topic` under a supervisor: kafkajs gives up on a consumer after a
   * non-retriable error (CRASH with restart=false), so a crashed consumer is replaced by a
   * new one after a backoff (RestartBackoff: 1 s, doubling to 30 s, back to 1 s once a
   * consumer has joined its group), for as long as it is not stopped.
   */
  async consume(topic: TopicName, groupId: string, handler: BatchHandler): Promise<Consumer> {
    const status: ConsumerStatus = {
      topic,
      groupId,
      state: 'running',
      restarts: 0,
      progressAt: Date.now(),
    };
    this.statuses.add(status);
    let current: KafkaConsumer | undefined;
    let stopped = false;
    let retryTimer: NodeJS.Timeout | undefined;
    const backoff = new RestartBackoff();

    const start = async (): Promise<void> => {
      const consumer = this.kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 30_000,
        heartbeatInterval: 3000,
      });
      current = consumer;
      this.kafkaConsumers.add(consumer);
      consumer.on(consumer.events.CRASH, (event) => {
        status.lastError = String(event.payload.error?.message ?? event.payload.error);
        if (event.payload.restart) return; // kafkajs restarts this one itself
        status.state = 'restarting';
        this.kafkaConsumers.delete(consumer);
        restartLater();
      });
      // In its group again: it works, and a later crash is not an outage that goes on.
      consumer.on(consumer.events.GROUP_JOIN, () => backoff.reset());
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Partitions are independent: several in flight, each one in order.
        partitionsConsumedConcurrently: 8,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
          await handler(
            batch.messages.map((message) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key?.toString() ?? '',
              value: message.value?.toString() ?? '',
              raw: message.value ?? Buffer.alloc(0),
              headers: fromHeaders(message.headers),
            })),
          );
          this.counters.consumed += batch.messages.length;
          const last = batch.messages[batch.messages.length - 1]!.offset;
          payload.resolveOffset(last);
          const next = (BigInt(last) + 1n).toString();
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: next },
          ]);
          status.state = 'running';
          status.progressAt = Date.now();
          await payload.heartbeat();
        },
      });
      status.state = 'running';
    };
    const restartLater = () => {
      if (stopped) return;
      const delay = backoff.next();
      status.restarts += 1;
      this.options.log?.(
        'error',
        `Consumer of ${topic} (group ${groupId}) stopped: ${status.lastError}; starting a new one in ${delay} ms`,
      );
      retryTimer = setTimeout(() => {
        void current?.disconnect().catch(() => undefined);
        start().catch((error: unknown) => {
          status.lastError = (error as Error).message;
          restartLater();
        });
      }, delay);
    };

    await start();
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(retryTimer);
        status.state = 'stopped';
        this.statuses.delete(status);
        if (current) {
          this.kafkaConsumers.delete(current);
          await current.disconnect();
        }
      },
    };
  }

  async check(): Promise<{ up: boolean; detail: string }> {
    try {
      const cluster = await this.adminCall((admin) => admin.describeCluster());
      return {
        up: true,
        detail: `${cluster.brokers.length} broker(s), controller ${cluster.controller}`,
      };
    } catch (error) {
      return { up: false, detail: (error as Error).message };
    }
  }

  async lag(groupId: string, topic: TopicName): Promise<number> {
    const [committed, latest] = await this.adminCall((admin) =>
      Promise.all([
        admin.fetchOffsets({ groupId, topics: [topic] }),
        admin.fetchTopicOffsets(topic),
      ]),
    );
    const done = new Map(
      committed.flatMap((t) => t.partitions.map((p) => [p.partition, BigInt(p.offset)] as const)),
    );
    let lag = 0n;
    for (const p of latest) {
      const high = BigInt(p.high);
      const at = done.get(p.partition) ?? -1n;
      lag += at < 0n ? high - BigInt(p.low) : high - at;
    }
    return Number(lag);
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  consumers(): ConsumerStatus[] {
    return [...this.statuses].map((s) => ({ ...s }));
  }

  async close(): Promise<void> {
    await Promise.all([...this.kafkaConsumers].map((c) => c.disconnect().catch(() => undefined)));
    this.kafkaConsumers.clear();
    this.statuses.clear();
    const producer = await this.producerConnected?.catch(() => undefined);
    this.producerConnected = undefined;
    await producer?.disconnect().catch(() => undefined);
    this.adminConnected = undefined;
    await this.admin.disconnect().catch(() => undefined);
  }
}
