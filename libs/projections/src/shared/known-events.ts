import type { CustomerErased, DomainEvent } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';

type HeardEvent = DomainEvent | CustomerErased;

/**
 * A recorded event typed by its type: in `switch (event.type)`, `event.data` is that event's
 * data. The one place projections trust the store: it holds what the deciders wrote (and an
 * old schema is upcast before it gets here), so no projection casts `data` itself.
 */
type KnownEvent = {
  [T in HeardEvent['type']]: Omit<RecordedEvent, 'type' | 'data'> &
    Extract<HeardEvent, { type: T }>;
}[HeardEvent['type']];

/** A batch's events as KnownEvents (a type a projection does not handle falls to `default`). */
export const known = (events: readonly RecordedEvent[]): readonly KnownEvent[] =>
  events as readonly KnownEvent[];
