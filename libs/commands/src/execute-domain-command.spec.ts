import { loadConfig } from '@heard/config';
import { CURRENT_SCHEMA_VERSION, type DomainCommand } from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import { AggregateStateCache } from './aggregate-state-cache';
import { ExecuteDomainCommand, ExecuteDomainCommandHandler } from './execute-domain-command';

const at = '2026-03-01T09:00:00.000Z';
const caseId = 'c-1';
const metadata = (commandId: string) => ({
  commandId,
  correlationId: commandId,
  causationId: commandId,
  actor: { id: 'agent-1', kind: 'agent' as const },
  occurredAt: at,
});
const command = (commandId: string, domain: DomainCommand) =>
  new ExecuteDomainCommand(domain, metadata(commandId), undefined, false);
const contact = (contactId: string): DomainCommand => ({
  type: 'LogContact',
  caseId,
  at,
  contactId,
  channel: 'phone',
  direction: 'inbound',
  agentId: 'agent-1',
  note: 'Customer calls again',
});

describe('the command handler on the embedded store, which trusts its cached states', () => {
  let store: SqliteEventStore;
  let handler: ExecuteDomainCommandHandler;
  beforeEach(() => {
    store = new SqliteEventStore(':memory:');
    const config = loadConfig({ HEARD_DATA_DIR: '/tmp/heard-unused' });
    expect(config.eventStore.kind).toBe('sqlite');
    handler = new ExecuteDomainCommandHandler(
      store,
      new AggregateStateCache(store, config),
      config,
    );
  });
  afterEach(() => store.close());

  it('decides against what another writer appended behind its cache: the append is refused, the stream read again, and the command recorded after it', async () => {
    await handler.execute(
      command('open', {
        type: 'OpenCase',
        caseId,
        at,
        customerId: 'cust-1',
        channel: 'phone',
        category: 'billing',
        summary: 'Charged twice',
      }),
    );
    expect((await handler.execute(command('k1', contact('k1')))).revision).toBe(1);

    // Behind the cache's back, as an erasure appends to a customer's stream.
    await store.append(
      `case-${caseId}`,
      [
        {
          type: 'ContactLogged',
          data: {
            caseId,
            contactId: 'k2',
            channel: 'email',
            direction: 'inbound',
            agentId: 'agent-2',
            note: 'Written by another writer',
          },
          metadata: {
            ...metadata('other'),
            eventId: 'e-other',
            schemaVersion: CURRENT_SCHEMA_VERSION,
          },
        },
      ],
      { expectedRevision: 'any' },
    );

    const third = await handler.execute(command('k3', contact('k3')));
    expect(third.revision).toBe(3);
    const stream = await store.readStream(`case-${caseId}`);
    expect(stream.map((e) => (e.data as { contactId?: string }).contactId)).toEqual([
      undefined,
      'k1',
      'k2',
      'k3',
    ]);
  });
});
