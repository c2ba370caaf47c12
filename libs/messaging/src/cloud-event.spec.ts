import { cloudEventBytesBound, messageBytes, toCloudEventMessage } from './cloud-event';

const metadata = (text: string) => ({
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  commandId: `cmd-${text}`,
  correlationId: `corr-${text}`,
  causationId: `cause-${text}`,
  actor: { id: `agent-${text}`, kind: 'agent' as const, via: 'crm-app' },
  occurredAt: '2026-03-01T09:00:00.000Z',
  schemaVersion: 3,
});

describe('cloudEventBytesBound', () => {
  it.each([
    ['plain text', 'Customer calls about the second charge', 'x'],
    ['characters JSON escapes', '"\\\n\u0001'.repeat(500), 'y'],
    ['non-ASCII text', 'é€😀'.repeat(500), 'é€😀'.repeat(30)],
    ['short everything', '', ''],
  ])('is at least the bytes of the message toCloudEventMessage makes, for %s', (_n, note, id) => {
    const streamId = `case-${id || 'c'}`;
    const event = {
      type: 'ContactLogged',
      data: { caseId: id, note, attempts: [1, 2.5, -3e21], urgent: true, reason: null },
      metadata: metadata(id),
    };
    const exact = messageBytes(
      toCloudEventMessage({
        streamId,
        ...event,
        // The command handler measures before the store stamps recordedAt.
        metadata: { ...event.metadata, recordedAt: '2026-03-01T09:00:00.123Z' },
        // The longest a position and a revision can be, as the command handler measures.
        position: '9'.repeat(40),
        revision: Number.MAX_SAFE_INTEGER,
      }),
    );
    expect(cloudEventBytesBound(streamId, event)).toBeGreaterThanOrEqual(exact);
  });
});
