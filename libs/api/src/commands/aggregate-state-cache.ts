import { Inject, Injectable } from '@nestjs/common';
import type { Decider, DomainCommand, DomainEvent } from '@heard/domain';
import { EVENT_STORE, type EventStore } from '@heard/event-store';

interface Entry {
  state: unknown;
  revision: number;
}

const CAPACITY = 20_000;

/**
 * Folded state of recently used streams. A load still reads whatever was appended after the
 * cached revision, so the cache is never stale; it only saves refolding whole streams.
 */
@Injectable()
export class AggregateStateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(
    streamId: string,
    decider: Decider<DomainCommand, DomainEvent, unknown>,
  ): Promise<Entry> {
    const cached = this.entries.get(streamId);
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
    // Map keeps insertion order: re-inserting marks it recent, the first key is the oldest.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
  }
}
