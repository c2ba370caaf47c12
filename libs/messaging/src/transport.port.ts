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
}

/** Handles one message; the transport commits its offset only after this resolves. */
export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

export interface Consumer {
  stop(): Promise<void>;
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
  /** Joins a consumer group; each partition's messages are handled one after another. */
  consume(topic: TopicName, groupId: string, handler: MessageHandler): Promise<Consumer>;
  /** Up when the broker answers; for /health. */
  check(): Promise<{ up: boolean; detail: string }>;
  /** Messages still to be consumed, per consumer group and topic; for /metrics. */
  lag(groupId: string, topic: TopicName): Promise<number>;
  stats(): TransportStats;
  close(): Promise<void>;
}

export const MESSAGE_TRANSPORT = Symbol('MessageTransport');
