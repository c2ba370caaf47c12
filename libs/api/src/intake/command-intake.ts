import { Inject, Injectable, Logger } from '@nestjs/common';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import {
  MESSAGE_TRANSPORT,
  topicNames,
  type Consumer,
  type MessageTransport,
  type ReceivedMessage,
} from '@heard/messaging';
import { executeEnvelope } from '../commands/command-envelope';
import { CommandGateway } from '../commands/command-gateway';
import { toErrorBody, type ErrorBody } from '../http/error.filter';
import { Metrics } from '../ops/metrics';

/** What a command that can never succeed becomes on heard.commands.dlq. */
export interface DeadLetter {
  reason: string;
  error: ErrorBody;
  failedAt: string;
  original: {
    topic: string;
    partition: number;
    offset: string;
    key: string;
    value: string;
    headers: Record<string, string>;
  };
}

// Invalid, unknown target, a broken rule, a reused key: retrying cannot help.
const isPermanent = (body: ErrorBody) =>
  [400, 404, 413, 415, 422].includes(body.statusCode) ||
  (body.statusCode === 409 && body.error !== 'concurrency_conflict');

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
    private readonly metrics: Metrics,
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    for (let i = 0; i < this.config.kafkaIntakeConsumers; i++)
      this.consumers.push(
        await this.transport.consume(
          topicNames(this.config.kafkaTopicPrefix).commands,
          this.config.kafkaIntakeGroup,
          (batch) => this.handleBatch(batch),
        ),
      );
  }

  /**
   * Messages with one key (one stream) run in order; different keys run side by side, so
   * their appends share commits. The batch's offsets are committed when all are done.
   */
  async handleBatch(messages: ReceivedMessage[]): Promise<void> {
    const byKey = new Map<string, ReceivedMessage[]>();
    for (const m of messages) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    await Promise.all(
      [...byKey.values()].map(async (sameKey) => {
        for (const m of sameKey) await this.handle(m);
      }),
    );
  }

  async handle(message: ReceivedMessage): Promise<void> {
    let envelope: unknown;
    try {
      envelope = JSON.parse(message.value);
    } catch (error) {
      return this.deadLetter(message, toErrorBody(new SyntaxError((error as Error).message)));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await executeEnvelope(this.gateway, envelope, {
          idempotencyKey:
            message.headers['idempotency-key'] ??
            `kafka:${message.topic}:${message.partition}:${message.offset}`,
          correlationId: message.headers['ce_correlationid'] ?? message.headers['correlation-id'],
        });
        this.metrics.intake('accepted');
        return;
      } catch (error) {
        const body = toErrorBody(error);
        if (isPermanent(body)) return this.deadLetter(message, body);
        // Transient (store busy, conflict storm): never dropped, retried with backoff.
        if (this.stopping) throw error;
        this.metrics.intake('retried');
        const delay = Math.min(100 * 2 ** attempt, 30_000);
        this.logger.warn(
          `Command at ${message.topic}/${message.partition}@${message.offset} failed (${body.error}: ${(error as Error).message}); retry ${attempt} in ${delay} ms`,
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async deadLetter(message: ReceivedMessage, error: ErrorBody): Promise<void> {
    const letter: DeadLetter = {
      reason: error.error,
      error,
      failedAt: new Date().toISOString(),
      original: {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers: message.headers,
      },
    };
    await this.transport.send(topicNames(this.config.kafkaTopicPrefix).commandsDlq, [
      {
        key: message.key,
        value: JSON.stringify(letter),
        headers: { ...message.headers, 'heard-dlq-reason': error.error },
      },
    ]);
    this.metrics.intake('dead_lettered');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
  }
}
