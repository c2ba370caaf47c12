import type { RecordedEvent } from '@heard/event-store';
import { jsonLength } from './json-length';
import type { Message } from './transport.port';

/**
 * An event as a CloudEvent in the Kafka protocol binding's binary mode: attributes in
 * ce_* headers, the event's data as the JSON value, the stream id as the key.
 */
export const toCloudEventMessage = (event: RecordedEvent): Message => ({
  key: event.streamId,
  value: JSON.stringify(event.data),
  headers: {
    ce_specversion: '1.0',
    ce_id: event.metadata.eventId,
    ce_source: `heard/${event.streamId.slice(0, event.streamId.indexOf('-'))}`,
    ce_type: `heard.${event.type}`,
    ce_subject: event.streamId,
    ce_time: event.metadata.occurredAt,
    'content-type': 'application/json',
    ce_dataschemaversion: String(event.metadata.schemaVersion),
    // heard's extension attributes: where the event sits in the store, and why it exists.
    ce_heardposition: String(event.position),
    ce_heardrevision: String(event.revision),
    ce_heardrecordedat: event.metadata.recordedAt,
    ce_heardcommandid: event.metadata.commandId,
    ce_heardcorrelationid: event.metadata.correlationId,
    ce_heardcausationid: event.metadata.causationId,
    ce_heardactor: `${event.metadata.actor.kind}:${event.metadata.actor.id}`,
  },
});

/** Header names, their framing, a record's framing, and the longest position, revision and recordedAt. */
const FIXED_BYTES_BOUND = 1024;

/**
 * More than the bytes toCloudEventMessage's message can take (see messageBytes), counted
 * without building it: the stream id goes into three headers, the data's JSON takes at most
 * 6 bytes for each character counted (an escape), every metadata value at most 3 (UTF-8).
 * Most events are far under a limit and need no exact measure.
 */
export const cloudEventBytesBound = (
  streamId: string,
  event: { type: string; data: unknown; metadata: unknown },
): number =>
  FIXED_BYTES_BOUND +
  9 * streamId.length +
  3 * event.type.length +
  6 * jsonLength(event.data) +
  3 * jsonLength(event.metadata);

/** A CloudEvent for an outbound topic (trends, follow-ups, alerts). */
export const cloudEvent = (options: {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
  /** Partition key; the subject when absent. */
  key?: string;
}): Message => ({
  key: options.key ?? options.subject,
  value: JSON.stringify(options.data),
  headers: {
    ce_specversion: '1.0',
    ce_id: options.id,
    ce_source: options.source,
    ce_type: options.type,
    ce_subject: options.subject,
    ce_time: options.time,
    'content-type': 'application/json',
  },
});

/** Bytes a message takes in a Kafka record batch: key, value, headers, and each record's framing. */
export const messageBytes = (message: Message): number => {
  let bytes = 64 + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers))
    bytes += 8 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
};

/**
 * Splits messages into sends of at most `maxBytes` (as the broker counts a record batch),
 * in order. A message larger than `maxBytes` goes alone: the store refuses such events at
 * append time, so here it can only come from a store written with a larger limit.
 */
export const chunkByBytes = (messages: Message[], maxBytes: number): Message[][] => {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = messageBytes(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
