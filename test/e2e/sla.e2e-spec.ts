import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';
import { describeOnEachReadStoreSetting } from '../support/read-stores';

// docs/sla.md's walk-through, in seconds instead of minutes: a policy set, a case that
// breaches and escalates on its own, a promise kept and another broken; on each read store.
describeOnEachReadStoreSetting('SLA clocks and promises', (settings) => {
  jest.setTimeout(60_000);
  let dir: string;
  let heard: RunningHeard;
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const policy = (firstResponse: string) => ({
    name: 'Priority email',
    priority: 1,
    match: { channels: ['email'] },
    calendar: { timeZone: 'Europe/Berlin', hours: '24x7' },
    targets: { firstResponse, resolution: 'PT1H' },
    warnAt: 0.5,
    escalation: [
      { level: 'team', after: 'PT0S' },
      { level: 'manager', after: 'PT1S', notifySales: true },
    ],
  });
  const open = (caseId: string, channel = 'email') =>
    heard.post('/cases', {
      caseId,
      customerId: `cust-${caseId}`,
      accountId: 'acct-1',
      channel,
      category: 'billing',
      summary: 'Charged twice',
    });
  const eventsOf = async (caseId: string) =>
    (await heard.get(`/cases/${caseId}/events`)).body.events as Array<{
      type: string;
      occurredAt: string;
      actor: { id: string; kind: string };
      data: Record<string, unknown>;
    }>;
  const until = async <T>(what: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await what();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, { ...settings(), HEARD_SCHEDULER_INTERVAL: '200ms' });
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('refuses a bad policy field by field and writes nothing', async () => {
    const bad = await heard.put('/sla-policies/bad', {
      ...policy('PT0S'),
      calendar: {
        timeZone: 'Mars/Olympus',
        hours: { mon: ['17:00-09:00'], tue: ['09:00-12:00', '11:00-13:00'] },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual([
      'calendar.timeZone',
      'calendar.hours.mon',
      'calendar.hours.tue',
      'targets.firstResponse',
    ]);
    const unknown = await heard.put('/sla-policies/bad', { ...policy('PT1M'), colour: 'red' });
    expect([unknown.status, unknown.body.fields[0].field]).toEqual([400, 'colour']);
    expect((await heard.get('/sla-policies')).body.policies).toEqual([]);
  });

  it('holds each case to the version that matched when it opened, breaches and escalates on its own, once', async () => {
    const v1 = await heard.put('/sla-policies/fast', policy('PT2S'));
    expect([v1.status, v1.body.events]).toEqual([201, ['SlaPolicyDefined']]);
    expect((await open('sla-a')).body.events).toEqual(['CaseOpened', 'SlaPolicyApplied']);
    await heard.put('/sla-policies/fast', policy('PT3S'));
    expect((await open('sla-b')).body.events).toEqual(['CaseOpened', 'SlaPolicyApplied']);
    // A phone case matches no policy: no clocks.
    expect((await open('sla-phone', 'phone')).body.events).toEqual(['CaseOpened']);
    const listed = (await heard.get('/sla-policies')).body.policies;
    expect(
      listed.map((p: { version: number; versions: unknown[] }) => [p.version, p.versions.length]),
    ).toEqual([[2, 1]]);

    // sla-a is answered in time: met, and its promise kept by that contact.
    const kept = await heard.post('/cases/sla-a/promises', {
      agentId: 'ana',
      promise: 'I will email you the receipt',
      dueAt: inSeconds(60),
      keptBy: 'outbound_contact',
    });
    expect(kept.body.events).toEqual(['PromiseMade']);
    const answered = await heard.post('/cases/sla-a/contacts', {
      channel: 'email',
      direction: 'outbound',
      agentId: 'ana',
      note: 'Receipt attached',
    });
    expect(answered.body.events).toEqual(['ContactLogged', 'SlaTargetMet', 'PromiseKept']);
    // sla-b is left alone, with a promise nobody keeps.
    await heard.post('/cases/sla-b/promises', {
      promiseId: 'call-back',
      agentId: 'ana',
      promise: 'I will call you back',
      dueAt: inSeconds(1.5),
      keptBy: 'manual',
    });

    const events = await until(
      () => eventsOf('sla-b'),
      (list) =>
        list.filter((e) => e.type === 'CaseEscalated').length >= 2 &&
        list.some((e) => e.type === 'PromiseBroken'),
    );
    const types = events.map((e) => e.type);
    for (const type of ['SlaWarningReached', 'SlaTargetBreached', 'PromiseBroken'])
      expect(types.filter((t) => t === type)).toHaveLength(1);
    const escalations = events.filter((e) => e.type === 'CaseEscalated');
    expect(
      escalations.map((e) => [e.data.level, e.data.notifySales, e.actor.id, e.actor.kind]),
    ).toEqual([
      ['team', false, 'heard', 'system'],
      ['manager', true, 'heard', 'system'],
    ]);
    const breach = events.find((e) => e.type === 'SlaTargetBreached')!;
    expect(breach.data).toMatchObject({ target: 'firstResponse', cycle: 1 });
    // Recorded within a few seconds of the due time.
    expect(Date.parse(breach.occurredAt) - Date.parse(breach.data.dueAt as string)).toBeLessThan(
      3000,
    );

    // Nothing more: sla-a's target was met, and heard records each deadline once.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await eventsOf('sla-b')).length).toBe(events.length);
    expect((await eventsOf('sla-a')).map((e) => e.type)).not.toContain('SlaTargetBreached');

    const a = (await heard.get('/cases/sla-a')).body;
    expect([
      a.sla.version,
      a.sla.targets.firstResponse.status,
      a.promises[kept.body.ids.promiseId].status,
    ]).toEqual([1, 'met', 'kept']);
    const b = (await heard.get('/cases/sla-b')).body;
    expect([
      b.sla.version,
      b.sla.targets.firstResponse.status,
      b.escalation.level,
      b.promises['call-back'].status,
    ]).toEqual([2, 'breached', 'manager', 'broken']);
    // As it stood before its due time, the clock was running.
    const before = (await heard.get(`/cases/sla-b?asOf=${encodeURIComponent(b.openedAt)}`)).body;
    expect(before.sla.targets.firstResponse.status).toBe('running');
  });

  it('shows the queue, attainment, promises and alerts', async () => {
    const report = (await heard.get('/reports/sla')).body;
    expect(
      report.cases.map((r: { caseId: string; target: string; state: string }) => [
        r.caseId,
        r.target,
        r.state,
      ]),
    ).toEqual([['sla-b', 'firstResponse', 'breached']]);
    expect(report.attainment.byPolicyVersion).toEqual([
      { key: 'fast v1', met: 1, breached: 0, attainment: 1 },
      { key: 'fast v2', met: 0, breached: 1, attainment: 0 },
    ]);
    expect(report.promises.byAgent).toEqual([{ key: 'ana', kept: 1, broken: 1, open: 0 }]);
    const csv = await heard.get('/reports/sla', { accept: 'text/csv' });
    expect(String(csv.body).split('\n')[1]).toMatch(/^sla-b,cust-sla-b,firstResponse,1,breached,/);
    expect(
      (await heard.get('/reports/kpis?by=team')).body.sla.attainment.byPolicyVersion,
    ).toHaveLength(2);

    const alerts = (await heard.get('/messages?topic=sla-alerts')).body.messages as Array<{
      type: string;
      key: string;
    }>;
    expect(
      alerts
        .filter((m) => m.key === 'sla-b')
        .map((m) => m.type)
        .sort(),
    ).toEqual([
      'heard.sla-alert.breach',
      'heard.sla-alert.escalation',
      'heard.sla-alert.escalation',
      'heard.sla-alert.promise-broken',
      'heard.sla-alert.warning',
    ]);
  });

  it('pauses the clocks while the case waits on the customer, and their contact resumes them', async () => {
    await open('sla-w');
    const waiting = await heard.post('/cases/sla-w/waiting', {
      agentId: 'ana',
      on: 'customer',
      reason: 'Asked for the invoice number',
    });
    expect(waiting.body.events).toEqual(['WaitingStarted']);
    const paused = (await heard.get(`/cases/sla-w?minPosition=${waiting.body.position}`)).body;
    expect([
      paused.waiting.on,
      paused.sla.targets.resolution.status,
      paused.sla.targets.resolution.dueAt,
    ]).toEqual(['customer', 'paused', undefined]);
    // Paused past its due time: nothing is breached.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    expect((await eventsOf('sla-w')).map((e) => e.type)).toEqual([
      'CaseOpened',
      'SlaPolicyApplied',
      'WaitingStarted',
    ]);
    const back = await heard.post('/cases/sla-w/contacts', {
      channel: 'email',
      direction: 'inbound',
      agentId: 'ana',
      note: 'Here is the number',
    });
    expect(back.body.events).toEqual(['WaitingEnded', 'ContactLogged']);
    const resumed = (await heard.get(`/cases/sla-w?minPosition=${back.body.position}`)).body;
    expect([resumed.waiting, resumed.sla.targets.firstResponse.status]).toEqual([
      undefined,
      'running',
    ]);
    expect((await heard.post('/cases/sla-w/waiting/end', { agentId: 'ana' })).body.error).toBe(
      'waiting.not_waiting',
    );
  });

  it('shows open promises first in the customer summary, and erasure keeps their counts but not their words', async () => {
    await open('sla-e', 'chat');
    const made = await heard.post('/cases/sla-e/promises', {
      agentId: 'ana',
      promise: 'A refund by Friday, my word on it',
      dueAt: inSeconds(3600),
      keptBy: 'fix_applied',
    });
    const timeline = (
      await heard.get(`/customers/cust-sla-e/timeline?minPosition=${made.body.position}`)
    ).body;
    expect(Object.keys(timeline.summary)[1]).toBe('openPromises');
    expect(timeline.summary.openPromises).toEqual([
      expect.objectContaining({ caseId: 'sla-e', promise: 'A refund by Friday, my word on it' }),
    ]);
    expect(timeline.entries[0].headline).toMatch(
      /^Promise by ana, due .*: A refund by Friday, my word on it$/,
    );

    const erased = await heard.post('/customers/cust-sla-e/erasure', {});
    expect(erased.status).toBe(200);
    const after = (await heard.get(`/cases/sla-e?minPosition=${erased.body.position}`)).body;
    expect(after.promises[made.body.ids.promiseId]).toMatchObject({
      promise: '[erased]',
      status: 'open',
    });
    const summary = (
      await heard.get(`/customers/cust-sla-e/timeline?minPosition=${erased.body.position}`)
    ).body.summary;
    expect(summary.openPromises[0].promise).toBe('[erased]');
    expect((await heard.get('/reports/sla')).body.promises.byAgent).toEqual([
      { key: 'ana', kept: 1, broken: 1, open: 1 },
    ]);
  });
});
