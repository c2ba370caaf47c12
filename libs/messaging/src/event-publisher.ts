import { START, type Checkpoint, type EventStore, type Subscription } from '@heard/event-store';
import { migrateReadStore, type ReadStore } from '@heard/read-store';
import { chunkByBytes, toCloudEventMessage } from './cloud-event';
import { TOPICS, type Topics } from './topics';
import type { MessageTransport } from './transport.port';

interface PublisherLogger {
  error(message: string, error?: unknown): void;
}

/**
 * Publishes every event the store recorded to heard.case-events, in store order, keyed by
 * stream id. It reads from its checkpoint and moves the checkpoint only after the broker
 * acknowledged the batch: at least once, with ce_id (the event id) as the dedup key. After
 * a crash, at most the batch in flight is sent again; nothing is lost or reordered per key.
 */
export class EventPublisher {
  private subscription?: Subscription;
  private published = 0;
  private position: Checkpoint = START;
  private progressAt = Date.now();
  private failing?: string;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: ReadStore,
    private readonly transport: MessageTransport,
    private readonly logger: PublisherLogger = { error: () => undefined },
    private readonly topics: Topics = TOPICS,
    private readonly batchSize = 500,
    /** Bytes per send, under the broker's message.max.bytes (1 MB by default). */
    private readonly maxBatchBytes = 512 * 1024,
    // One checkpoint per topic: pointing heard at new topics publishes the history there.
    private readonly name = topics.caseEvents,
  ) {}

  async start(): Promise<void> {
    await migrateReadStore(this.checkpoints);
    // A position kept before positions were opaque is a number: the store reads it.
    const [row] = await this.checkpoints.query<{ position: string | number }>(
      'SELECT position FROM publisher_checkpoints WHERE publisher = ?',
      [this.name],
    );
    const kept = row ? this.store.parsePosition(row.position) : START;
    if (kept === undefined)
      throw new Error(
        `The publisher's checkpoint (${String(row!.position).slice(0, 100)}) is not a position of this event store`,
      );
    this.position = kept;
    this.progressAt = Date.now();
    this.subscription = this.store.subscribe({
      after: this.position,
      batchSize: this.batchSize,
      onBatch: async (batch) => {
        // A retried batch starts with the chunks already acknowledged: skip them.
        const events = batch.filter((e) => e.position > this.position);
        const messages = events.map(toCloudEventMessage);
        let done = 0;
        // Each send is acknowledged and checkpointed before the next: a retry resends one chunk.
        for (const chunk of chunkByBytes(messages, this.maxBatchBytes)) {
          await this.transport.send(this.topics.caseEvents, chunk);
          done += chunk.length;
          const last = events[done - 1]!.position;
          await this.checkpoints.transaction((tx) =>
            tx.execute(
              `INSERT INTO publisher_checkpoints (publisher, position, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (publisher) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
              [this.name, last, new Date().toISOString()],
            ),
          );
          this.position = last;
          this.published += chunk.length;
          this.progressAt = Date.now();
        }
        this.failing = undefined;
      },
      onError: (error, attempt) => {
        this.failing = (error as Error).message ?? String(error);
        this.logger.error(
          `Publishing to ${this.topics.caseEvents} failed (attempt ${attempt}); retrying from the last acknowledged event`,
          error,
        );
      },
    });
  }

  status() {
    return {
      position: this.position,
      published: this.published,
      running: !!this.subscription,
      /** When the checkpoint last moved (or the publisher started). */
      progressAt: this.progressAt,
      /** The last send's error while it keeps failing. */
      failing: this.failing,
    };
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
