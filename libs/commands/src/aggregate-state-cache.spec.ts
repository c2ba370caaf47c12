import type { Decider, DomainCommand, DomainEvent } from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import { AggregateStateCache } from './aggregate-state-cache';

/** A stream's state: the notes of its events, in order. */
const notes = {
  initialState: () => [] as string[],
  evolve: (state: string[], event: { data: { note: string } }) => [...state, event.data.note],
  decide: () => [],
} as unknown as Decider<DomainCommand, DomainEvent, unknown>;

const appendNote = (store: SqliteEventStore, streamId: string, note: string) =>
  store.append(streamId, [{ type: 'Noted', data: { note }, metadata: {} as never }], {
    expectedRevision: 'any',
  });

describe('the aggregate state cache', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
  });
  afterEach(() => store.close());

  it('holds at most its budget of bytes however big the states, the most recent first, and a state it let go is folded again from the store', async () => {
    // As on a shared store: every load reads what was appended after the cached revision.
    const cache = new AggregateStateCache(store, { eventStore: { kind: 'postgres', url: 'x' } });
    const big = 'x'.repeat(100_000); // about 300 KB of heap per state
    for (let i = 0; i < 200; i++) {
      await appendNote(store, `s-${i}`, `${i}:${big}`);
      await cache.load(`s-${i}`, notes);
    }
    const { streams, bytes } = cache.size();
    expect(bytes).toBeLessThanOrEqual(16 << 20);
    expect(streams).toBeGreaterThan(10);
    expect(streams).toBeLessThan(200);

    // The first streams went out first; loading one folds it from the store, unchanged.
    await appendNote(store, 's-0', 'later');
    const again = await cache.load('s-0', notes);
    expect(again.revision).toBe(1);
    expect((again.state as string[]).map((n) => n.slice(0, 5))).toEqual([
      `0:${big.slice(0, 3)}`,
      'later',
    ]);
  });
});
