import { randomUUID } from 'node:crypto';
import { deciders, fold, targetOf, type DomainCommand, type DomainEvent } from '@heard/domain';
import type { EventStore } from '@heard/event-store';

/**
 * Test helper: decides a command with the pure deciders against its stream and appends what
 * they decided, as the command handler would (without its HTTP and idempotency shell).
 */
const record = async (store: EventStore, command: DomainCommand): Promise<void> => {
  const { aggregate, streamId } = targetOf(command);
  const history = await store.readStream(streamId);
  const decider = deciders[aggregate];
  const events = decider.decide(
    command,
    fold(
      decider,
      history.map((e) => ({ type: e.type, data: e.data }) as DomainEvent),
    ),
  );
  await store.append(
    streamId,
    events.map((e) => ({
      type: e.type,
      data: e.data,
      metadata: {
        eventId: randomUUID(),
        commandId: randomUUID(),
        correlationId: 'test',
        causationId: 'test',
        actor: { id: 'test', kind: 'app' },
        occurredAt: command.at,
        schemaVersion: 1,
      },
    })),
    { expectedRevision: history.length ? history.length - 1 : 'no_stream' },
  );
};

/** Several commands, one after another. */
export const recordAll = async (store: EventStore, commands: DomainCommand[]): Promise<void> => {
  for (const command of commands) await record(store, command);
};
