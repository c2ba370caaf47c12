import { START, type EventStore } from '@heard/event-store';
import { EventPublisher, OutboxRelay, TOPICS, type MessageTransport } from '@heard/messaging';
import type { ReadStore } from '@heard/read-store';
import type { ThreadedProjectionRunner } from './threaded-projection-runner';

/**
 * The outbox relay as the API thread sees it when it runs in the projections thread: its
 * lease starts and stops it there, the scheduler pokes it there, and health and metrics read
 * what the thread last told.
 */
export class ThreadedOutboxRelay extends OutboxRelay {
  private readonly startedAt = Date.now();

  constructor(
    reads: ReadStore,
    transport: MessageTransport,
    private readonly thread: ThreadedProjectionRunner,
  ) {
    // The base class's relay never runs here: every method below asks the thread.
    super(reads, transport, { intervalMs: Number.MAX_SAFE_INTEGER });
  }

  override start(): Promise<void> {
    return this.thread.outbound('relay', 'start');
  }

  override poke(): void {
    this.thread.pokeRelay();
  }

  override relayOnce(): Promise<number> {
    return Promise.reject(new Error('The relay runs in the projections thread'));
  }

  override status() {
    return (
      this.thread.outboundStatus()?.relay ?? {
        relayed: 0,
        running: false,
        progressAt: this.startedAt,
      }
    );
  }

  override stop(): Promise<void> {
    return this.thread.outbound('relay', 'stop');
  }
}

/** The event publisher, when it runs in the projections thread (see ThreadedOutboxRelay). */
export class ThreadedEventPublisher extends EventPublisher {
  private readonly startedAt = Date.now();

  constructor(
    events: EventStore,
    reads: ReadStore,
    transport: MessageTransport,
    private readonly thread: ThreadedProjectionRunner,
  ) {
    super(events, reads, transport, undefined, TOPICS);
  }

  override start(): Promise<void> {
    return this.thread.outbound('publisher', 'start');
  }

  override status() {
    return (
      this.thread.outboundStatus()?.publisher ?? {
        position: START,
        published: 0,
        running: false,
        progressAt: this.startedAt,
        failing: undefined,
      }
    );
  }

  override stop(): Promise<void> {
    return this.thread.outbound('publisher', 'stop');
  }
}
