import { Inject, Injectable } from '@nestjs/common';
import type { Decider, DomainCommand, DomainEvent } from '@heard/domain';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { HEARD_CONFIG, type HeardConfig } from '@heard/config';
import { jsonLength } from '@heard/messaging';

interface Entry {
  state: unknown;
  revision: number;
}

/** What the cache may hold, in estimated bytes of heap. */
const BUDGET_BYTES = 16 << 20;

/**
 * A state's heap size, estimated from its JSON's length (objects take about three times that
 * in V8): a bound that follows big cases, not a count that a few huge ones overrun.
 */
const estimatedBytes = (streamId: string, state: unknown) =>
  64 + 2 * streamId.length + 3 * jsonLength(state);

/**
 * Folded state of recently used streams, least recently used first out, bounded in bytes.
 *
 * On a shared event store (PostgreSQL, EventStoreDB) a load reads whatever other instances
 * appended after the cached revision. On the embedded store the data folder's lock makes this
 * process its only writer, and the command handler remembers every append it makes, so a
 * cached state is the stream's head and a load reads nothing (a read per command otherwise). Should anything else append to a cached stream (an erasure on a customer's
 * stream), the expected revision of the next append refuses it, the handler forgets the
 * stream, and its retry reads the store: a stale entry costs a retry, never a wrong decision.
 */
@Injectable()
export class AggregateStateCache {
  private readonly entries = new Map<string, Entry & { bytes: number }>();
  private bytes = 0;
  private readonly soleWriter: boolean;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HEARD_CONFIG) config: Pick<HeardConfig, 'eventStore'>,
  ) {
    this.soleWriter = config.eventStore.kind === 'sqlite';
  }

  async load(
    streamId: string,
    decider: Decider<DomainCommand, DomainEvent, unknown>,
  ): Promise<Entry> {
    const cached = this.entries.get(streamId);
    if (cached && this.soleWriter) {
      // Map keeps insertion order: re-inserting marks it recent.
      this.entries.delete(streamId);
      this.entries.set(streamId, cached);
      return { state: cached.state, revision: cached.revision };
    }
    let state = cached?.state ?? decider.initialState();
    let revision = cached?.revision ?? -1;
    const newer = await this.store.readStream(streamId, { fromRevision: revision + 1 });
    for (const event of newer) {
      state = decider.evolve(state, { type: event.type, data: event.data } as DomainEvent);
      revision = event.revision;
    }
    if (revision >= 0) this.remember(streamId, { state, revision });
    return { state, revision };
  }

  /** Keeps a stream's state as committed at `revision` (an older one never replaces a newer). */
  remember(streamId: string, entry: Entry): void {
    const cached = this.entries.get(streamId);
    if (cached && cached.revision > entry.revision) return;
    const bytes = estimatedBytes(streamId, entry.state);
    // Map keeps insertion order: re-inserting marks it recent, the first key is the oldest.
    this.forget(streamId);
    if (bytes > BUDGET_BYTES / 4) return; // a giant: refolded when needed, not kept
    this.entries.set(streamId, { ...entry, bytes });
    this.bytes += bytes;
    for (const [oldest] of this.entries) {
      if (this.bytes <= BUDGET_BYTES) break;
      this.forget(oldest);
    }
  }

  /** Drops a stream's state: the next load folds it from the store. */
  forget(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.bytes -= entry.bytes;
  }

  /** Streams held and their estimated bytes (metrics, tests). */
  size(): { streams: number; bytes: number } {
    return { streams: this.entries.size, bytes: this.bytes };
  }
}
