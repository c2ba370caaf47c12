import { Inject, Injectable, Logger } from '@nestjs/common';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import {
  MESSAGE_TRANSPORT,
  topicNames,
  type Consumer,
  type MessageTransport,
  type ReceivedMessage,
} from '@heard/messaging';
import {
  CommandGateway,
  executeEnvelope,
  HEADER_TOKEN,
  HEADER_TOKEN_RULE,
  toCommandErrorBody as toErrorBody,
  ValidationFailed,
  type ErrorBody,
} from '@heard/commands';
import type { Principal } from '@heard/security';

/** What a command that can never succeed becomes on heard.commands.dlq: always far under 1 MB. */
export interface DeadLetter {
  reason: string;
  error: ErrorBody;
  failedAt: string;
  /** Tries before it was given up (1 unless it failed on our side again and again). */
  attempts: number;
  /** Where the original is, how large it was, and its first bytes, not mangled. */
  original: {
    topic: string;
    partition: number;
    offset: string;
    /** Bytes of the original value. */
    size: number;
    key: string;
    headers: Record<string, string>;
    /** `utf8`: the excerpt is the text; `base64`: it is the bytes (binary or control characters). */
    encoding: 'utf8' | 'base64';
    excerpt: string;
    /** True when the excerpt is shorter than the original. */
    truncated: boolean;
  };
}

/** Bytes of the original a dead letter quotes: enough to recognise it; the rest stays on its topic. */
export const DEAD_LETTER_EXCERPT_BYTES = 4096;
const MAX_QUOTED_HEADERS = 32;
const MAX_QUOTED_CHARS = 256;

const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Plain text: valid UTF-8 with no control characters but tab and line breaks (JSON would blow those up 6x). */
const asPlainText = (bytes: Buffer): string | undefined => {
  try {
    const text = utf8.decode(bytes);
    // eslint-disable-next-line no-control-regex
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
};

/** The original as a dead letter quotes it: pointer, size and a bounded excerpt. */
export const quoteOriginal = (message: ReceivedMessage): DeadLetter['original'] => {
  const bytes = message.raw ?? Buffer.from(message.value);
  // Cut on a character boundary when it is text: back off over UTF-8 continuation bytes.
  let end = Math.min(bytes.length, DEAD_LETTER_EXCERPT_BYTES);
  while (end < bytes.length && end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  const head = bytes.subarray(0, end);
  const text = asPlainText(head);
  const short = (v: string) =>
    v.length > MAX_QUOTED_CHARS ? `${v.slice(0, MAX_QUOTED_CHARS)}…` : v;
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    size: bytes.length,
    key: short(message.key),
    headers: Object.fromEntries(
      Object.entries(message.headers)
        .slice(0, MAX_QUOTED_HEADERS)
        .map(([k, v]) => [short(k), short(v)]),
    ),
    encoding: text === undefined ? 'base64' : 'utf8',
    excerpt: text ?? head.toString('base64'),
    truncated: end < bytes.length,
  };
};

// Invalid, unknown target, a broken rule, a reused key: retrying cannot help.
const isPermanent = (body: ErrorBody) =>
  [400, 403, 404, 413, 415, 422].includes(body.statusCode) ||
  (body.statusCode === 409 && body.error !== 'concurrency_conflict');

/** A fault of ours (500) is retried this often before the command is dead-lettered: it must not jam its partition. */
export const MAX_ATTEMPTS_ON_FAULT = 8;

const clip = (text: string, max = 1000) => (text.length > max ? `${text.slice(0, max)}…` : text);
/** The error as the DLQ quotes it: messages may quote the input, so they are bounded too. */
const boundedError = (error: ErrorBody): ErrorBody => ({
  ...error,
  message: clip(error.message),
  ...(error.fields
    ? {
        fields: error.fields.slice(0, 50).map((f) => ({
          field: clip(f.field, 200),
          rules: Object.fromEntries(Object.entries(f.rules).map(([k, v]) => [k, clip(v)])),
        })),
      }
    : {}),
});

/** What the intake reports of each command it takes: the app's metrics registry. */
export interface IntakeMetrics {
  intake(outcome: 'accepted' | 'retried' | 'dead_lettered'): void;
}
export const INTAKE_METRICS = Symbol('IntakeMetrics');

/**
 * The app that produced a command, named by its CloudEvents source (the ce_source header).
 * Kafka tells a consumer nothing of who wrote a message: the broker's ACLs decide who may
 * write heard.commands, and heard trusts the name as far as it trusts those writers (see the
 * docs/kafka.md, "Commands on Kafka"). A producer is an upstream app (`integration`) unless
 * HEARD_KAFKA_PRODUCER_ROLES gives its name another role.
 */
const producerOf = (
  message: ReceivedMessage,
  roles: HeardConfig['kafkaProducerRoles'] = {},
): Principal => {
  const source = message.headers['ce_source'];
  if (source === undefined || !HEADER_TOKEN.test(source))
    throw new ValidationFailed([
      {
        field: 'ce_source',
        rules: {
          matches: `the ce_source header must name the producing app (recorded as the actor): ${HEADER_TOKEN_RULE}`,
        },
      },
    ]);
  return {
    id: source,
    ref: `kafka:${source}`,
    roles: [roles[source] ?? 'integration'],
    credential: 'kafka-topic',
    seesCustomerIds: false,
  };
};

/**
 * The consumer group of an intake topic: the configured one for commands, and one of its own
 * for accounts (a group whose members subscribe to different topics is not assigned well).
 */
export const intakeGroupOf = (config: HeardConfig, topic: string): string =>
  topic === topicNames(config.kafkaTopicPrefix).accounts
    ? `${config.kafkaIntakeGroup}.accounts`
    : config.kafkaIntakeGroup;

const backoff = (attempt: number) => Math.min(100 * 2 ** attempt, 30_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes commands from heard.commands with a consumer group and runs them through the same
 * validation and handlers as HTTP. An offset is committed only after the append (or the
 * dead letter). A redelivered message appends nothing twice: its idempotency key is the
 * command's commandId, or else its topic, partition and offset.
 */
@Injectable()
export class CommandIntake {
  private readonly logger = new Logger('intake');
  private readonly consumers: Consumer[] = [];
  private stopping = false;

  constructor(
    private readonly gateway: CommandGateway,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(HEARD_CONFIG) private readonly config: HeardConfig,
    @Inject(INTAKE_METRICS) private readonly metrics: IntakeMetrics,
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    const topics = topicNames(this.config.kafkaTopicPrefix);
    for (let i = 0; i < this.config.kafkaIntakeConsumers; i++)
      for (const topic of [topics.commands, topics.accounts])
        this.consumers.push(
          await this.transport.consume(topic, intakeGroupOf(this.config, topic), (batch) =>
            this.handleBatch(batch),
          ),
        );
  }

  /**
   * What a message asks: on heard.commands, the envelope it is; on heard.accounts, the
   * account it carries (keyed by its id), as PUT /accounts/:accountId would set it.
   */
  private envelopeOf(message: ReceivedMessage, value: unknown): unknown {
    if (message.topic !== topicNames(this.config.kafkaTopicPrefix).accounts) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return { type: 'DefineAccount', data: { accountId: message.key, ...value } };
  }

  /**
   * Messages with one key (one stream) run in order; different keys run side by side, so
   * their appends share commits. The batch's offsets are committed when all are done.
   */
  async handleBatch(messages: ReceivedMessage[]): Promise<void> {
    const byKey = new Map<string, ReceivedMessage[]>();
    for (const m of messages) {
      const sameKey = byKey.get(m.key);
      if (sameKey) sameKey.push(m);
      else byKey.set(m.key, [m]);
    }
    await Promise.all(
      [...byKey.values()].map(async (sameKey) => {
        for (const m of sameKey) await this.handle(m);
      }),
    );
  }

  /**
   * Never throws while running: a command is appended, retried (a conflict or a store that is
   * busy for a moment), or dead-lettered; only a stop leaves it to be redelivered.
   */
  async handle(message: ReceivedMessage): Promise<void> {
    let envelope: unknown;
    try {
      envelope = this.envelopeOf(message, JSON.parse(message.value));
    } catch (error) {
      return this.deadLetter(message, toErrorBody(new SyntaxError((error as Error).message)), 1);
    }
    let caller: Principal;
    try {
      caller = producerOf(message, this.config.kafkaProducerRoles);
    } catch (error) {
      return this.deadLetter(message, toErrorBody(error), 1);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await executeEnvelope(this.gateway, envelope, {
          caller,
          actorId: message.headers['x-actor-id'],
          actorKind: message.headers['x-actor-kind'],
          actorRole: message.headers['x-actor-role'],
          idempotencyKey:
            message.headers['idempotency-key'] ??
            `kafka:${message.topic}:${message.partition}:${message.offset}`,
          correlationId: message.headers['ce_correlationid'] ?? message.headers['correlation-id'],
        });
        this.metrics.intake('accepted');
        return;
      } catch (error) {
        const body = toErrorBody(error);
        if (isPermanent(body)) return this.deadLetter(message, body, attempt);
        if (body.statusCode >= 500 && attempt >= MAX_ATTEMPTS_ON_FAULT) {
          this.logger.error(
            `Command at ${message.topic}/${message.partition}@${message.offset} failed ${attempt} times on our side; dead-lettered`,
            error instanceof Error ? error.stack : String(error),
          );
          return this.deadLetter(message, body, attempt);
        }
        if (this.stopping) throw error;
        this.metrics.intake('retried');
        const delay = backoff(attempt);
        this.logger.warn(
          `Command at ${message.topic}/${message.partition}@${message.offset} failed (${body.error}: ${(error as Error).message}); retry ${attempt} in ${delay} ms`,
        );
        await sleep(delay);
      }
    }
  }

  /** Sends the dead letter, retrying while the broker refuses (it always fits: see quoteOriginal). */
  private async deadLetter(message: ReceivedMessage, error: ErrorBody, attempts: number) {
    const letter: DeadLetter = {
      reason: error.error,
      error: boundedError(error),
      failedAt: new Date().toISOString(),
      attempts,
      original: quoteOriginal(message),
    };
    const topics = topicNames(this.config.kafkaTopicPrefix);
    const dlq = message.topic === topics.accounts ? topics.accountsDlq : topics.commandsDlq;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.send(dlq, [
          {
            key: letter.original.key,
            value: JSON.stringify(letter),
            headers: { ...letter.original.headers, 'heard-dlq-reason': error.error },
          },
        ]);
        this.metrics.intake('dead_lettered');
        return;
      } catch (sendError) {
        if (this.stopping) throw sendError;
        const delay = backoff(attempt);
        this.logger.error(
          `Dead letter for ${message.topic}/${message.partition}@${message.offset} not sent (${(sendError as Error).message}); retry in ${delay} ms`,
        );
        await sleep(delay);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }
}
