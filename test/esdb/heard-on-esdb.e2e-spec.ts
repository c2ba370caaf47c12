import { randomUUID } from 'node:crypto';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import { describeWithEsdb } from '../support/esdb';

/** One story, told to a heard; its audit trail as GET /cases/:id/events gives it. */
const tell = async (heard: RunningHeard, caseId: string) => {
  const steps: Array<[string, object]> = [
    [
      '/cases',
      {
        caseId,
        customerId: `cust-${caseId}`,
        channel: 'phone',
        category: 'billing',
        summary: 'Charged twice for the March invoice',
      },
    ],
    [
      `/cases/${caseId}/contacts`,
      { channel: 'phone', direction: 'inbound', agentId: 'ana', note: 'Calls about the charge' },
    ],
    [`/cases/${caseId}/resolution`, { agentId: 'ana', resolution: 'Second charge refunded' }],
  ];
  for (const [path, body] of steps) {
    const answer = await heard.post(path, body, {
      'Idempotency-Key': `${caseId}:${path.split('/').pop()!}`,
    });
    expect([path, answer.status]).toEqual([path, 201]);
  }
  const retried = await heard.post(`/cases/${caseId}/contacts`, steps[1]![1], {
    'Idempotency-Key': `${caseId}:contacts`,
  });
  expect(retried.headers.get('idempotent-replayed')).toBe('true');
  const trail = (await heard.get(`/cases/${caseId}/events`)).body.events as Array<
    Record<string, unknown>
  >;
  // What differs between two tellings: the case, ids, times and positions.
  return JSON.parse(
    JSON.stringify(trail)
      .replaceAll(caseId, 'CASE')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, 'TIME')
      .replace(/"position":"[^"]*"/g, '"position":"P"'),
  ) as Array<{ type: string }>;
};

describeWithEsdb('heard on EventStoreDB', (url) => {
  jest.setTimeout(60_000);

  it('tells the same audit trail as on the embedded store, metadata and all', async () => {
    const trails = [];
    for (const env of [{}, { HEARD_EVENT_STORE: url }] as Array<Record<string, string>>) {
      const dir = tempDataDir();
      const heard = await startHeard(dir, env);
      try {
        trails.push(await tell(heard, `esdb-${randomUUID()}`));
      } finally {
        await heard.stop();
        removeDir(dir);
      }
    }
    expect(trails[1]).toEqual(trails[0]);
    expect(trails[0]!.map((e) => e.type)).toEqual([
      'CaseOpened',
      'ContactLogged',
      'CaseResolved',
      'FollowUpScheduled',
    ]);
  });
});
