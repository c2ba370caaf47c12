import { randomUUID } from 'node:crypto';
import {
  claimOutbound,
  markOutboundSent,
  migrateReadStore,
  type OutboundTopic,
  type ReadStore,
  type StoredOutboundMessage,
} from '@heard/read-store';
import { chunkByBytes, cloudEvent } from './cloud-event';
import { TOPICS, type Topics } from './topics';
import type { Message, MessageTransport } from './transport.port';

/** How long a relay's claim on outbox rows holds if it dies before marking them sent. */
const CLAIM_MS = 60_000;

interface RelayLogger {
  error(message: string, error?: unknown): void;
}

const topicOf = (topics: Topics, topic: OutboundTopic) =>
  ({
    'issue-trends': topics.issueTrends,
    'follow-ups': topics.followUps,
    'account-alerts': topics.accountAlerts,
    'sla-alerts': topics.slaAlerts,
  })[topic];

const toOutboundMessage = (m: StoredOutboundMessage): Message => {
  const message = cloudEvent({
    id: m.id,
    type: m.type,
    source: `heard/${m.topic}`,
    subject: m.subject,
    time: m.time,
    data: m.data,
    key: m.key,
  });
  message.headers.ce_heardseq = String(m.seq);
  return message;
};

/**
 * Sends the outbox to the outbound topics, oldest first, and marks each message sent once
 * the transport acknowledged it: at least once, with ce_id (the message id) as the dedup
 * key. It runs every interval and whenever it is poked (the projections committed a batch,
 * the scheduler queued follow-ups that came due).
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private relayed = 0;
  private progressAt = Date.now();
  private stopped = true;
  /** Names this relay's claims on the outbox. */
  private readonly relayId = `relay-${randomUUID()}`;

  constructor(
    private readonly reads: ReadStore,
    private readonly transport: MessageTransport,
    private readonly options: {
      intervalMs: number;
      topics?: Topics;
      batchSize?: number;
      /** Bytes per send, under the broker's message.max.bytes. */
      maxBatchBytes?: number;
      logger?: RelayLogger;
    },
  ) {}

  async start(): Promise<void> {
    await migrateReadStore(this.reads);
    this.stopped = false;
    this.timer = setInterval(() => this.poke(), this.options.intervalMs);
    this.timer.unref();
    this.poke();
  }

  /** Sends what is pending now, or right after the pass under way. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.relayOnce()) === (this.options.batchSize ?? 500) && !this.stopped);
      } catch (error) {
        // The next pass (interval or batch) retries from the same place.
        this.options.logger?.error('Relaying the outbox failed; retrying on the next pass', error);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /** Sends one batch of pending messages; returns how many. */
  async relayOnce(): Promise<number> {
    // A claim outlives any send that does not fail: the transport's own retries give up sooner.
    const pending = await claimOutbound(
      this.reads,
      this.relayId,
      this.options.batchSize ?? 500,
      CLAIM_MS,
    );
    if (pending.length === 0) return 0;
    const byTopic = new Map<OutboundTopic, StoredOutboundMessage[]>();
    for (const m of pending) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    for (const [topic, messages] of byTopic) {
      const ids = new Map(messages.map((m) => [toOutboundMessage(m), m.id] as const));
      for (const chunk of chunkByBytes([...ids.keys()], this.options.maxBatchBytes ?? 512 * 1024)) {
        await this.transport.send(topicOf(this.options.topics ?? TOPICS, topic), chunk);
        await markOutboundSent(
          this.reads,
          chunk.map((m) => ids.get(m)!),
          new Date().toISOString(),
        );
        this.relayed += chunk.length;
        this.progressAt = Date.now();
      }
    }
    return pending.length;
  }

  status() {
    return { relayed: this.relayed, running: !this.stopped, progressAt: this.progressAt };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
