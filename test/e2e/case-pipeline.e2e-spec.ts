import { randomUUID } from 'node:crypto';
import { removeDir, startHeard, tempDataDir, type RunningHeard } from '../support/heard-app';

const openCaseBody = (caseId: string, customerId: string) => ({
  caseId,
  customerId,
  accountId: 'acct-acme',
  channel: 'phone',
  category: 'billing',
  product: 'invoices',
  summary: 'Charged twice for the March invoice',
  desiredOutcome: 'Refund of the second charge',
});

const projectionsUp = (text: string) =>
  Number(/heard_part_up\{part="projections"\} (\d)/.exec(text)?.[1]);

describe('the case pipeline over HTTP', () => {
  let dir: string;
  let heard: RunningHeard;
  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  const auditTrail = async (caseId: string) =>
    (await heard.get(`/cases/${caseId}/events`)).body?.events ?? [];

  it('tells a whole story from CaseOpened to ResolutionConfirmed, and the timeline shows it in order with the summary', async () => {
    const caseId = `story-${randomUUID()}`;
    const customerId = `cust-${randomUUID()}`;
    const steps: Array<[string, unknown]> = [
      ['/cases', openCaseBody(caseId, customerId)],
      [
        `/cases/${caseId}/contacts`,
        {
          channel: 'phone',
          direction: 'inbound',
          agentId: 'ana',
          note: 'Customer sees two charges of 49.90',
        },
      ],
      [
        `/cases/${caseId}/apologies`,
        { agentId: 'ana', fault: 'ours', statement: 'I am sorry we charged you twice' },
      ],
      [
        `/cases/${caseId}/diagnoses`,
        {
          agentId: 'ana',
          symptoms: 'Two identical charges',
          rootCause: 'Payment retry after timeout',
          desiredOutcome: 'Refund',
        },
      ],
      [
        `/cases/${caseId}/handovers`,
        {
          fromAgentId: 'ana',
          toAgentId: 'ben',
          summary: 'Double charge confirmed on statement; refund of 49.90 agreed with customer',
        },
      ],
      [
        `/cases/${caseId}/fixes`,
        {
          fixId: 'refund-1',
          agentId: 'ben',
          kind: 'refund',
          description: 'Refund 49.90 to the card',
        },
      ],
      [`/cases/${caseId}/fixes/refund-1/applied`, { agentId: 'ben', note: 'Refund issued' }],
      [`/cases/${caseId}/resolution`, { agentId: 'ben', resolution: 'Second charge refunded' }],
      [`/cases/${caseId}/resolution/confirmation`, { note: 'Refund arrived' }],
    ];
    let position = 0;
    for (const [path, body] of steps) {
      const answer = await heard.post(path, body);
      expect([path, answer.status]).toEqual([path, 201]);
      position = answer.body.position;
    }
    const expectedTypes = [
      'CaseOpened',
      'ContactLogged',
      'ApologyIssued',
      'DiagnosisRecorded',
      'CaseHandedOver',
      'FixProposed',
      'FixApplied',
      'CaseResolved',
      'FollowUpScheduled',
      'ResolutionConfirmed',
    ];
    const trail = await auditTrail(caseId);
    expect(trail.map((e: { type: string }) => e.type)).toEqual(expectedTypes);
    // The actor is the caller its key proves (the test's admin), never a name it chose.
    expect(trail[1]).toMatchObject({
      actor: { id: 'admin-key', kind: 'agent', role: 'admin' },
      schemaVersion: 1,
    });
    expect(trail[1].commandId).toEqual(expect.any(String));

    const timeline = await heard.get(`/customers/${customerId}/timeline?minPosition=${position}`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual(
      [...expectedTypes].reverse(),
    );
    expect(timeline.body.entries[0].headline).toBe(
      'Customer confirmed the resolution: Refund arrived',
    );
    expect(timeline.body.summary).toMatchObject({
      customerId,
      accountIds: ['acct-acme'],
      cases: { total: 1, active: 1 },
      openCases: [{ caseId, status: 'resolved', product: 'invoices', holder: { agentId: 'ben' } }],
      whoHasItNow: [{ caseId, agentId: 'ben' }],
      products: ['invoices'],
      contacts: 1,
      lastHandover: {
        caseId,
        fromAgentId: 'ana',
        toAgentId: 'ben',
        summary: expect.stringContaining('Double charge confirmed'),
      },
      apologies: { total: 1, byFault: { ours: 1 } },
      fixesApplied: [
        { caseId, fixId: 'refund-1', kind: 'refund', description: 'Refund 49.90 to the card' },
      ],
    });

    const view = await heard.get(`/cases/${caseId}?minPosition=${position}`);
    expect(view.body).toMatchObject({
      status: 'resolved',
      resolution: { status: 'confirmed' },
      fixes: { 'refund-1': { status: 'applied' } },
    });

    const opened = trail[0].occurredAt as string;
    const asOf = await heard.get(`/cases/${caseId}?asOf=${encodeURIComponent(opened)}`);
    expect(asOf.body).toMatchObject({ status: 'open', contacts: 0, revision: 0 });
    expect((await heard.get(`/cases/${caseId}?asOf=2000-01-01T00:00:00Z`)).status).toBe(404);
  });

  it('refuses a handover without a summary, naming the rule, and writes nothing', async () => {
    const caseId = `h-${randomUUID()}`;
    await heard.post('/cases', openCaseBody(caseId, 'cust-h'));
    const before = await auditTrail(caseId);
    const noSummary = await heard.post(`/cases/${caseId}/handovers`, {
      fromAgentId: 'ana',
      toTeam: 'billing',
    });
    expect(noSummary.status).toBe(422);
    expect(noSummary.body.error).toBe('handover.executive_summary_required');
    const twoReceivers = await heard.post(`/cases/${caseId}/handovers`, {
      fromAgentId: 'ana',
      toTeam: 'billing',
      toAgentId: 'ben',
      summary: 'A summary that is long enough to read',
    });
    expect(twoReceivers.status).toBe(422);
    expect(twoReceivers.body.error).toBe('handover.exactly_one_receiver');
    expect(await auditTrail(caseId)).toEqual(before);
  });

  it('answers bad input with a 400 naming every field and rule, and writes nothing', async () => {
    const head = (await heard.get('/health')).body.parts.event_store.headPosition;
    const answer = await heard.post('/cases', {
      customerId: 'cust-x',
      channel: 'pigeon',
      category: 'billing',
      summary: 'x'.repeat(5000),
      color: 'red',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    const fields = Object.fromEntries(
      answer.body.fields.map((f: { field: string; rules: object }) => [
        f.field,
        Object.keys(f.rules),
      ]),
    );
    expect(fields).toEqual({
      channel: ['isIn'],
      summary: ['maxLength'],
      color: ['whitelistValidation'],
    });

    const missing = await heard.post('/cases/any/contacts', {
      channel: 'phone',
      direction: 'inbound',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'agentId',
      'note',
    ]);

    const tooBig = await heard.post('/cases', {
      ...openCaseBody('big', 'cust'),
      desiredOutcome: 'y'.repeat(70_000),
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toBe('body_too_large');
    expect((await heard.post('/cases', '{"customerId": ')).body.error).toBe('invalid_json');
    expect((await heard.get('/health')).body.parts.event_store.headPosition).toBe(head);
  });

  it('answers 404 for an unknown case and 409 for a broken rule', async () => {
    const unknown = await heard.post(`/cases/nope-${randomUUID()}/contacts`, {
      channel: 'phone',
      direction: 'inbound',
      agentId: 'a',
      note: 'hi',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('case.not_found');
    // Reading a missing case says the same as writing to it.
    for (const path of [`/cases/nope-1`, `/cases/nope-1/events`, `/cases/nope-1?asOf=2026-01-01`])
      expect(await heard.get(path)).toMatchObject({
        status: 404,
        body: { error: 'case.not_found' },
      });
    // A bad query says nothing of writing.
    const badQuery = await heard.get(`/customers/cust-r/timeline?limit=0`);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.message).toBe('The query is invalid; see fields');
    const caseId = `r-${randomUUID()}`;
    await heard.post('/cases', openCaseBody(caseId, 'cust-r'));
    await heard.post(`/cases/${caseId}/closure`, { agentId: 'a', reason: 'Duplicate' });
    const onClosed = await heard.post(`/cases/${caseId}/resolution`, {
      agentId: 'a',
      resolution: 'done',
    });
    expect(onClosed.status).toBe(409);
    expect(onClosed.body.error).toBe('case.closed');
    const link = await heard.post(`/cases/${caseId}/reopen`, {
      agentId: 'a',
      reason: 'Customer called back',
    });
    expect(link.status).toBe(201);
    const noIssue = await heard.post(`/cases/${caseId}/issue-links`, { issueId: 'no-such-issue' });
    expect([noIssue.status, noIssue.body.error]).toEqual([404, 'issue.not_found']);
  });

  it('a retried command appends once and answers the same', async () => {
    const key = randomUUID();
    const body = {
      customerId: 'cust-retry',
      channel: 'chat',
      category: 'delivery',
      summary: 'Parcel late',
    };
    const first = await heard.post('/cases', body, { 'Idempotency-Key': key });
    const retry = await heard.post('/cases', body, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const caseId = first.body.ids.caseId as string;
    const contact = {
      channel: 'chat',
      direction: 'inbound',
      agentId: 'ana',
      note: 'Where is it?',
      commandId: `k-${key}`,
    };
    const c1 = await heard.post(`/cases/${caseId}/contacts`, contact);
    const c2 = await heard.post(`/cases/${caseId}/contacts`, contact);
    expect(c2.body).toEqual(c1.body);
    expect((await auditTrail(caseId)).map((e: { type: string }) => e.type)).toEqual([
      'CaseOpened',
      'ContactLogged',
    ]);
    const reused = await heard.post(`/cases/${caseId}/contacts`, { ...contact, commandId: key });
    expect([reused.status, reused.body.error]).toEqual([422, 'idempotency_key_reused']);
  });

  it('concurrent commands on one case: each applied exactly once or answered 409, and every 201 has its event', async () => {
    const caseId = `conc-${randomUUID()}`;
    await heard.post('/cases', openCaseBody(caseId, 'cust-conc'));
    const contacts = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        heard.post(`/cases/${caseId}/contacts`, {
          channel: 'email',
          direction: 'inbound',
          agentId: `agent-${i}`,
          note: `mail ${i}`,
        }),
      ),
    );
    const resolutions = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        heard.post(`/cases/${caseId}/resolution`, {
          agentId: `agent-${i}`,
          resolution: `fix ${i}`,
        }),
      ),
    );
    const answers = [...contacts, ...resolutions];
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(contacts.every((a) => a.status === 201)).toBe(true);
    expect(resolutions.filter((a) => a.status === 201)).toHaveLength(1);
    const trail = await auditTrail(caseId);
    const byPosition = new Map(
      trail.map((e: { position: number; type: string }) => [e.position, e.type]),
    );
    for (const a of answers.filter((x) => x.status === 201))
      expect(byPosition.get(a.body.position)).toBe(a.body.events.at(-1));
    const contactEvents = trail.filter((e: { type: string }) => e.type === 'ContactLogged');
    expect(contactEvents).toHaveLength(25);
    expect(new Set(contactEvents.map((e: { data: { note: string } }) => e.data.note)).size).toBe(
      25,
    );
    expect(trail.filter((e: { type: string }) => e.type === 'CaseResolved')).toHaveLength(1);
  });

  it('takes many commands in one batch, each answered on its own', async () => {
    const caseId = `batch-${randomUUID()}`;
    const answer = await heard.post('/commands', {
      commands: [
        {
          type: 'OpenCase',
          data: openCaseBody(caseId, 'cust-batch'),
          occurredAt: '2026-01-05T09:00:00Z',
        },
        {
          type: 'LogContact',
          data: { caseId, channel: 'phone', direction: 'inbound', agentId: 'ana', note: 'hi' },
        },
        { type: 'HandOverCase', data: { caseId, fromAgentId: 'ana', toTeam: 'x' } },
        {
          type: 'LogContact',
          data: { caseId, channel: 'fax', direction: 'inbound', agentId: 'ana', note: 'hi' },
        },
        { type: 'Teleport', data: {} },
      ],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { status: number }) => r.status)).toEqual([
      201, 201, 422, 400, 400,
    ]);
    expect(answer.body.results[3].body.fields[0].field).toBe('channel');
    const trail = await auditTrail(caseId);
    expect(trail.map((e: { type: string }) => e.type)).toEqual(['CaseOpened', 'ContactLogged']);
    expect(trail[0].occurredAt).toBe('2026-01-05T09:00:00.000Z');
    expect((await heard.post('/commands', { commands: [] })).status).toBe(400);
  });

  it('serves health, Prometheus metrics and the OpenAPI document', async () => {
    const health = await heard.get('/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', degraded: [] });
    expect(health.body.parts.projections.status).toBe('up');
    expect((await heard.get('/health/live')).body).toEqual({ status: 'ok' });
    expect((await heard.get('/health/ready')).status).toBe(200);
    expect(projectionsUp(await fetch(`${heard.url}/metrics`).then((r) => r.text()))).toBe(1);
    const metrics = await fetch(`${heard.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/heard_commands_total\{type="OpenCase",outcome="accepted"\} \d+/);
    expect(metrics).toMatch(/heard_projection_lag_events\{projection="customer_timeline"\} \d+/);
    const docs = await heard.get('/docs/openapi.json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/cases',
        '/cases/{caseId}/handovers',
        '/customers/{customerId}/timeline',
        '/commands',
      ]),
    );
  });
});

describe('a restart', () => {
  it('keeps every event and read model, and the projections count nothing twice', async () => {
    const dir = tempDataDir();
    try {
      let heard = await startHeard(dir);
      const customerId = 'cust-restart';
      let position = 0;
      for (let i = 0; i < 5; i++) {
        const caseId = `restart-${i}`;
        await heard.post('/cases', openCaseBody(caseId, customerId));
        const a = await heard.post(`/cases/${caseId}/contacts`, {
          channel: 'phone',
          direction: 'inbound',
          agentId: 'ana',
          note: `call ${i}`,
        });
        position = a.body.position;
      }
      const before = await heard.get(
        `/customers/${customerId}/timeline?limit=200&minPosition=${position}`,
      );
      const caseBefore = await heard.get('/cases/restart-3');
      await heard.stop();

      heard = await startHeard(dir);
      const after = await heard.get(
        `/customers/${customerId}/timeline?limit=200&minPosition=${position}`,
      );
      expect(after.body).toEqual(before.body);
      expect((await heard.get('/cases/restart-3')).body).toEqual(caseBefore.body);
      expect((await heard.get('/cases/restart-3/events')).body.events).toHaveLength(2);

      const more = await heard.post('/cases/restart-3/contacts', {
        channel: 'phone',
        direction: 'inbound',
        agentId: 'ana',
        note: 'again',
      });
      const grown = await heard.get(
        `/customers/${customerId}/timeline?limit=200&minPosition=${more.body.position}`,
      );
      expect(grown.body.entries).toHaveLength(before.body.entries.length + 1);
      expect(grown.body.summary.contacts).toBe(before.body.summary.contacts + 1);
      expect(grown.body.summary.cases.total).toBe(5);
      await heard.stop();
    } finally {
      removeDir(dir);
    }
  });
});

describe('HEARD_MAX_EVENT_BYTES', () => {
  let dir: string;
  let heard: RunningHeard;
  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, { HEARD_MAX_EVENT_BYTES: '4kb' });
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  const contact = (caseId: string, note: string) =>
    heard.post(`/cases/${caseId}/contacts`, {
      channel: 'phone',
      direction: 'inbound',
      agentId: 'agent-07',
      note,
    });

  it('refuses with 413 a command whose event would be over the limit as a message, counting its UTF-8 bytes and JSON escapes, and writes nothing', async () => {
    const caseId = `big-${randomUUID()}`;
    expect((await heard.post('/cases', openCaseBody(caseId, 'cust-big'))).status).toBe(201);
    const head = (await heard.get('/health')).body.parts.event_store.headPosition;

    // 1,500 characters: 3,000 bytes in UTF-8, 3,000 in JSON; with the headers under 4 KiB.
    expect((await contact(caseId, 'é'.repeat(1500))).status).toBe(201);
    expect((await contact(caseId, '"'.repeat(1500))).status).toBe(201);
    const afterFitting = (await heard.get('/health')).body.parts.event_store.headPosition;
    expect(afterFitting).not.toBe(head);

    for (const note of ['é'.repeat(2100), '"'.repeat(2100), '\u0001'.repeat(700)]) {
      const refused = await contact(caseId, note);
      expect(refused.status).toBe(413);
      expect(refused.body.error).toBe('event_too_large');
      expect(refused.body.message).toContain('ContactLogged');
      expect(refused.body.message).toContain('HEARD_MAX_EVENT_BYTES (4096)');
    }
    expect((await heard.get('/health')).body.parts.event_store.headPosition).toBe(afterFitting);
  });
});
