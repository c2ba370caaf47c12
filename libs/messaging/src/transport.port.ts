import type { TopicName } from './topics';

export interface Message {
  /** Messages with one key keep their order (one partition). */
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ReceivedMessage extends Message {
  topic: string;
  partition: number;
  offset: string;
  /** The value's bytes as received (`value` is them decoded as UTF-8, which may mangle binary). */
  raw?: Buffer;
}

/**
 * Handles a batch of messages of one partition, in order; the transport commits their
 * offsets only after this resolves (and redelivers them if it throws or the process dies).
 */
export type BatchHandler = (messages: ReceivedMessage[]) => Promise<void>;

export interface Consumer {
  stop(): Promise<void>;
}

/** How a consumer of this process is doing, for /health. */
export interface ConsumerStatus {
  topic: string;
  groupId: string;
  /** `restarting`: it crashed and is being started again (with backoff). */
  state: 'running' | 'restarting' | 'stopped';
  restarts: number;
  lastError?: string;
  /** When it last finished a batch (or started). */
  progressAt: number;
}

export interface TransportStats {
  produced: number;
  consumed: number;
}

/**
 * What heard needs of a message broker: Kafka when brokers are configured, an in-process
 * transport otherwise. Both keep order per key and deliver at least once.
 */
export interface MessageTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Creates heard's topics if missing. */
  ensureTopics(): Promise<void>;
  /** Resolves once every message is acknowledged (Kafka: by all in-sync replicas). */
  send(topic: TopicName, messages: Message[]): Promise<void>;
  /** Joins a consumer group; each partition's batches are handled one after another. */
  consume(topic: TopicName, groupId: string, handler: BatchHandler): Promise<Consumer>;
  /** Up when the broker answers; for /health. */
  check(): Promise<{ up: boolean; detail: string }>;
  /** Messages still to be consumed, per consumer group and topic; for /metrics. */
  lag(groupId: string, topic: TopicName): Promise<number>;
  stats(): TransportStats;
  /** Every consumer this process runs, for /health. */
  consumers(): ConsumerStatus[];
  close(): Promise<void>;
}

export const MESSAGE_TRANSPORT = Symbol('MessageTransport');
