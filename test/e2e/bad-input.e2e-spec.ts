import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { EVENT_STORE, type EventStore } from '@heard/event-store';
import { ProjectionRunner } from '@heard/projections';
import { READ_STORE, readOutbound, type ReadStore } from '@heard/read-store';
import {
  removeDir,
  startHeard,
  tempDataDir,
  type RunningHeard,
  asAdmin,
} from '../support/heard-app';

/**
 * A catalogue of bad input over every route: each answers 4xx with heard's error body and a
 * message naming the field or parameter, and neither the event store nor any read model moves.
 */
interface BadRequest {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  /** Sent as is (a string) or as JSON. */
  body?: unknown;
  /** Added to content-type: application/json (on a POST), or instead of it with replaceHeaders. */
  headers?: Record<string, string>;
  replaceHeaders?: boolean;
  status: number;
  /** Named by a field error or in the message. */
  names: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const deep = (levels: number): string => `${'{"x":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Every command route, a valid body, and one field and value its DTO refuses. */
const COMMAND_ROUTES: Array<{
  path: string;
  valid: Record<string, unknown>;
  bad: [string, unknown];
}> = [
  {
    path: '/cases',
    valid: { customerId: 'cu-1', channel: 'phone', category: 'billing', summary: 'Charged twice' },
    bad: ['channel', 'pigeon'],
  },
  {
    path: '/cases/c-seed/contacts',
    valid: { channel: 'phone', direction: 'inbound', agentId: 'ana', note: 'Called again' },
    bad: ['direction', 'sideways'],
  },
  {
    path: '/cases/c-seed/apologies',
    valid: { agentId: 'ana', fault: 'ours', statement: 'Sorry' },
    bad: ['fault', 'nobody'],
  },
  {
    path: '/cases/c-seed/handovers',
    valid: { fromAgentId: 'ana', toAgentId: 'ben', summary: 'A summary that is long enough' },
    bad: ['fromAgentId', 42],
  },
  {
    path: '/cases/c-seed/diagnoses',
    valid: { agentId: 'ana', symptoms: 'Two charges', desiredOutcome: 'Refund' },
    bad: ['symptoms', ['a']],
  },
  {
    path: '/cases/c-seed/fixes',
    valid: { agentId: 'ana', kind: 'refund', description: 'Refund it' },
    bad: ['kind', 'magic'],
  },
  {
    path: '/cases/c-seed/fixes/fix-1/applied',
    valid: { agentId: 'ana' },
    bad: ['agentId', ''],
  },
  {
    path: '/cases/c-seed/escalations',
    valid: { agentId: 'ana', level: 'manager', reason: 'Angry' },
    bad: ['level', 'god'],
  },
  {
    path: '/cases/c-seed/resolution',
    valid: { agentId: 'ana', resolution: 'Refunded' },
    bad: ['resolution', null],
  },
  { path: '/cases/c-seed/resolution/confirmation', valid: {}, bad: ['note', 5] },
  { path: '/cases/c-seed/resolution/rejection', valid: { reason: 'No' }, bad: ['reason', true] },
  { path: '/cases/c-seed/reopen', valid: { agentId: 'ana', reason: 'Again' }, bad: ['reason', {}] },
  { path: '/cases/c-seed/closure', valid: { agentId: 'ana' }, bad: ['agentId', 'bad id!'] },
  { path: '/cases/c-seed/issue-links', valid: { issueId: 'i-seed' }, bad: ['issueId', 'a b'] },
  {
    path: '/cases/c-seed/follow-ups/fu-1/completion',
    valid: { outcome: 'satisfied' },
    bad: ['outcome', 'meh'],
  },
  {
    path: '/issues',
    valid: { title: 'Lid leaks', product: 'bottle', category: 'defect' },
    bad: ['title', 'x'.repeat(5000)],
  },
  {
    path: '/issues/i-seed/acknowledgement',
    valid: { team: 'bottles', owner: 'olga' },
    bad: ['team', 7],
  },
  {
    path: '/issues/i-seed/fix-shipped',
    valid: { release: 'v3', description: 'New seal' },
    bad: ['creditCustomers', 'yes'],
  },
  { path: '/issues/i-seed/closure', valid: {}, bad: ['reason', 12] },
  {
    path: '/changes',
    valid: { kind: 'ivr', description: 'New menu', effectiveAt: '2026-03-01T00:00:00Z' },
    bad: ['effectiveAt', '2026-02-30T00:00:00Z'],
  },
  {
    path: '/incidents',
    valid: { title: 'Outage', message: 'We are on it', affectedCustomerIds: ['cu-1'] },
    bad: ['affectedCustomerIds', 'cu-1'],
  },
  { path: '/incidents/in-seed/resolution', valid: {}, bad: ['message', 3] },
];

const commandCases = (): BadRequest[] =>
  COMMAND_ROUTES.flatMap(({ path, valid, bad: [field, value] }): BadRequest[] => [
    {
      name: `${path}: wrong value`,
      path,
      body: { ...valid, [field]: value },
      status: 400,
      names: field,
    },
    {
      name: `${path}: text/plain`,
      path,
      body: JSON.stringify(valid),
      headers: { 'content-type': 'text/plain' },
      replaceHeaders: true,
      status: 415,
      names: 'content-type',
    },
    {
      name: `${path}: no body, no content type (a browser's no-cors POST)`,
      path,
      headers: {},
      replaceHeaders: true,
      status: 415,
      names: 'content-type',
    },
    { name: `${path}: malformed JSON`, path, body: '{"a":', status: 400, names: 'JSON' },
    { name: `${path}: nested 2,000 deep`, path, body: deep(2000), status: 400, names: 'x.x.x' },
    {
      name: `${path}: __proto__ key`,
      path,
      body: `{"__proto__":{"admin":true},${JSON.stringify(valid).slice(1)}`.replace(',}', '}'),
      status: 400,
      names: '__proto__',
    },
    {
      name: `${path}: constructor key`,
      path,
      body: { ...valid, constructor: { prototype: {} } },
      status: 400,
      names: 'constructor',
    },
    {
      name: `${path}: unknown key`,
      path,
      body: { ...valid, hacker: 1 },
      status: 400,
      names: 'hacker',
    },
    { name: `${path}: an array`, path, body: [valid], status: 400, names: '(body)' },
  ]);

/** A valid OpenCase batch item, as JSON. */
const batchOpen = (caseId: string) =>
  JSON.stringify({ type: 'OpenCase', data: { ...COMMAND_ROUTES[0]!.valid, caseId } });

const otherCases: BadRequest[] = [
  // Headers and ids
  {
    // Only an integration key may name the agent it acts for (see access.e2e-spec.ts).
    name: 'X-Actor-Id of 8,000 characters with markup, from an admin',
    path: '/cases/c-seed/contacts',
    body: COMMAND_ROUTES[1]!.valid,
    headers: { 'x-actor-id': `<script>${'a'.repeat(8000)}</script>` },
    status: 403,
    names: 'X-Actor-Id',
  },
  {
    name: 'X-Correlation-Id with markup',
    path: '/cases/c-seed/contacts',
    body: COMMAND_ROUTES[1]!.valid,
    headers: { 'x-correlation-id': '<img src=x onerror=alert(1)>' },
    status: 400,
    names: 'correlationId',
  },
  {
    name: 'X-Actor-Kind from any caller',
    path: '/cases/c-seed/contacts',
    body: COMMAND_ROUTES[1]!.valid,
    headers: { 'x-actor-kind': 'system' },
    status: 403,
    names: 'X-Actor-Kind',
  },
  {
    name: 'Idempotency-Key with spaces',
    path: '/cases',
    body: COMMAND_ROUTES[0]!.valid,
    headers: { 'idempotency-key': 'a key' },
    status: 400,
    names: 'Idempotency-Key',
  },
  {
    name: 'a case id with a slash-like character in the path',
    path: '/cases/bad%20id/contacts',
    body: COMMAND_ROUTES[1]!.valid,
    status: 400,
    names: 'caseId',
  },
  {
    name: 'a case id of 300 characters',
    path: `/cases/${'c'.repeat(300)}/contacts`,
    body: COMMAND_ROUTES[1]!.valid,
    status: 414,
    names: 'path parameter',
  },
  {
    name: 'a summary of 100 KB (over the body limit)',
    path: '/cases',
    body: { ...COMMAND_ROUTES[0]!.valid, summary: 'x'.repeat(100_000) },
    status: 413,
    names: 'HEARD_BODY_LIMIT',
  },
  {
    name: 'odd Unicode: a lone surrogate escape in an id',
    path: '/cases',
    body: `{"caseId":"c\\ud800","customerId":"cu-1","channel":"phone","category":"b","summary":"s"}`,
    status: 400,
    names: 'caseId',
  },
  {
    name: 'odd Unicode: right-to-left override in a customer id',
    path: '/cases',
    body: { ...COMMAND_ROUTES[0]!.valid, customerId: 'cu\u202e1' },
    status: 400,
    names: 'customerId',
  },
  {
    name: 'occurredAt that does not exist',
    path: '/cases/c-seed/contacts',
    body: { ...COMMAND_ROUTES[1]!.valid, occurredAt: '2026-02-30T10:00:00Z' },
    status: 400,
    names: 'occurredAt',
  },
  {
    name: 'a number where text belongs, as a string of digits is not',
    path: '/cases',
    body: { ...COMMAND_ROUTES[0]!.valid, summary: 12345 },
    status: 400,
    names: 'summary',
  },
  // The batch route
  {
    name: 'batch: not an array',
    path: '/commands',
    body: { commands: {} },
    status: 400,
    names: 'commands',
  },
  {
    name: 'batch: empty',
    path: '/commands',
    body: { commands: [] },
    status: 400,
    names: 'commands',
  },
  {
    name: 'batch: 2,000 deep inside an item',
    path: '/commands',
    body: `{"commands":[{"type":"OpenCase","data":${deep(2000)}}]}`,
    status: 400,
    names: 'commands',
  },
  // A batch is checked whole before any command runs: its first command is valid.
  {
    name: 'batch: the last command is not valid JSON',
    path: '/commands',
    body: `{"commands":[${batchOpen('bj-1')},{"type":"OpenCase","data":{"caseId":"bj-2",}}]}`,
    status: 400,
    names: 'JSON',
  },
  {
    name: 'batch: more after the commands',
    path: '/commands',
    body: `{"commands":[${batchOpen('bj-1')}]} {}`,
    status: 400,
    names: 'JSON',
  },
  {
    name: 'batch: __proto__ in the last command',
    path: '/commands',
    body: `{"commands":[${batchOpen('bj-1')},{"type":"OpenCase","data":{"__proto__":{}}}]}`,
    status: 400,
    names: 'commands.1.data.__proto__',
  },
  {
    name: 'batch: text/plain',
    path: '/commands',
    body: '{"commands":[]}',
    headers: { 'content-type': 'text/plain' },
    status: 415,
    names: 'content-type',
  },
  // Candidate acceptance
  {
    name: 'candidate acceptance: unknown key',
    path: '/candidate-issues/cand-x/acceptance',
    body: { nope: 1 },
    status: 400,
    names: 'nope',
  },
  {
    name: 'candidate acceptance: __proto__',
    path: '/candidate-issues/cand-x/acceptance',
    body: '{"__proto__":{"x":1}}',
    status: 400,
    names: '__proto__',
  },
  // Queries: repeated, out of range, bad dates and cursors
  ...[
    '/reports/recurring-issues?product=a&product=b',
    '/reports/candidate-issues?product=a&product=b',
    '/reports/kpis?product=a&product=b',
    '/follow-ups?status=due&status=sent',
    '/messages?topic=follow-ups&topic=issue-trends',
    '/customers/cu-1/timeline?limit=1&limit=2',
    '/reports/change-impact/ch-seed?days=1&days=2',
    '/cases/c-seed?asOf=2026-01-01&asOf=2026-01-02',
    '/customers?search=a&search=b',
    '/reports/changes?limit=1&limit=2',
  ].map((path): BadRequest => ({
    name: `repeated parameter: ${path}`,
    method: 'GET',
    path,
    status: 400,
    names: new URLSearchParams(path.split('?')[1]).keys().next().value!,
  })),
  ...(
    [
      ['/cases/c-seed?asOf=2099-02-30', 'asOf'],
      ['/cases/c-seed?asOf=0', 'asOf'],
      ['/cases/c-seed?asOf=yesterday', 'asOf'],
      ['/cases/c-seed?asOf=2026-01-01T10:00:00', 'asOf'],
      ['/cases/c-seed?minPosition=-1', 'minPosition'],
      ['/cases/c-seed?minPosition=99999999999999999999', 'minPosition'],
      ['/customers/cu-1/timeline?limit=0', 'limit'],
      ['/customers/cu-1/timeline?limit=201', 'limit'],
      ['/customers/cu-1/timeline?limit=ten', 'limit'],
      ['/customers/cu-1/timeline?cursor=not-a-cursor', 'cursor'],
      [`/customers/cu-1/timeline?cursor=${Buffer.from('p:1e400').toString('base64url')}`, 'cursor'],
      ['/reports/recurring-issues?from=2026-02-30', 'from'],
      ['/reports/recurring-issues?to=2026-13-01', 'to'],
      ['/reports/recurring-issues?from=2026-03-01&to=2026-02-01', 'from'],
      ['/reports/recurring-issues?sort=random', 'sort'],
      ['/reports/recurring-issues?status=on_fire', 'status'],
      ['/reports/recurring-issues?kind=both', 'kind'],
      ['/reports/recurring-issues?limit=100000', 'limit'],
      [`/reports/recurring-issues?product=${'p'.repeat(300)}`, 'product'],
      ['/reports/candidate-issues?similarity=2', 'similarity'],
      ['/reports/candidate-issues?days=-3', 'days'],
      ['/reports/kpis?by=moon', 'by'],
      ['/reports/kpis?from=01/02/2026', 'from'],
      ['/reports/change-impact/ch-seed?days=0', 'days'],
      ['/follow-ups?status=lost', 'status'],
      ['/follow-ups?cursor=%00%01', 'cursor'],
      ['/follow-ups?limit=501', 'limit'],
      ['/messages?topic=elsewhere', 'topic'],
      ['/messages?status=gone', 'status'],
      ['/messages?after=abc', 'after'],
      ['/customers', 'search'],
      [`/customers?search=${'c'.repeat(300)}`, 'search'],
      ['/customers?search=cu-1&limit=0', 'limit'],
      ['/reports/changes?limit=501', 'limit'],
      ['/issues/i-1/fix-notice-audience?minPosition=-1', 'minPosition'],
    ] as const
  ).map(([path, names]): BadRequest => ({
    name: `query ${path.slice(0, 80)}`,
    method: 'GET',
    path,
    status: 400,
    names,
  })),
  // Fastify's own refusals, in heard's body
  {
    name: 'a URL that cannot be decoded',
    method: 'GET',
    path: '/cases/%E0%A4%A',
    status: 400,
    names: 'URL',
  },
  { name: 'an unknown route', method: 'GET', path: '/nowhere', status: 404, names: '/nowhere' },
];

const CATALOGUE: BadRequest[] = [...commandCases(), ...otherCases];

describe('bad input over HTTP', () => {
  let dir: string;
  let heard: RunningHeard;

  /** Every event and every read-model row, hashed: what "nothing was written" is checked against. */
  const snapshot = async () => {
    const events = heard.app.get<EventStore>(EVENT_STORE);
    const reads = heard.app.get<ReadStore>(READ_STORE);
    const head = await events.head();
    await heard.app.get(ProjectionRunner).waitFor(head, 10_000);
    // The relay marks what the projections queued as sent after their commit, on its own time.
    for (let i = 0; i < 100; i++) {
      if ((await readOutbound(reads, { status: 'pending', limit: 1 })).length === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const tables = await reads.query<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    const hash = createHash('sha256');
    for (const { name } of tables)
      hash.update(name).update(JSON.stringify(await reads.query(`SELECT * FROM "${name}"`)));
    return { head, readModels: hash.digest('hex') };
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir);
    const seed: Array<[string, unknown]> = [
      ['/cases', { ...COMMAND_ROUTES[0]!.valid, caseId: 'c-seed' }],
      [
        '/cases/c-seed/fixes',
        { fixId: 'fix-1', agentId: 'ana', kind: 'refund', description: 'Refund' },
      ],
      ['/issues', { ...COMMAND_ROUTES[15]!.valid, issueId: 'i-seed' }],
      ['/changes', { ...COMMAND_ROUTES[19]!.valid, changeId: 'ch-seed' }],
      ['/incidents', { ...COMMAND_ROUTES[20]!.valid, incidentId: 'in-seed' }],
    ];
    for (const [path, body] of seed) expect((await heard.post(path, body)).status).toBe(201);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('has at least 100 cases over every route', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CATALOGUE.map((c) => c.name)).size).toBe(CATALOGUE.length);
  });

  it.each(CATALOGUE.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    const method = c.method ?? 'POST';
    const response = await fetch(heard.url + c.path, {
      method,
      headers: c.replaceHeaders
        ? { ...asAdmin, ...c.headers }
        : { ...asAdmin, ...(method === 'POST' ? JSON_HEADERS : {}), ...c.headers },
      body:
        c.body === undefined
          ? undefined
          : typeof c.body === 'string'
            ? c.body
            : JSON.stringify(c.body),
    });
    const text = await response.text();
    const body = JSON.parse(text) as {
      statusCode: number;
      error: string;
      message: string;
      fields?: Array<{ field: string }>;
    };
    expect({ status: response.status, statusCode: body.statusCode }).toEqual({
      status: c.status,
      statusCode: c.status,
    });
    expect(typeof body.error).toBe('string');
    const named = [...(body.fields ?? []).map((f) => f.field), body.message].join(' | ');
    expect(named).toContain(c.names);
    expect(await snapshot()).toEqual(before);
  });

  it('answers a poison item in the middle of a batch on its own, and writes the items around it', async () => {
    const open = (id: string) => ({
      type: 'OpenCase',
      commandId: `batch-${id}`,
      data: { ...COMMAND_ROUTES[0]!.valid, caseId: id },
    });
    const poison = {
      type: 'OpenCase',
      data: { ...COMMAND_ROUTES[0]!.valid, caseId: 'b-2', x: JSON.parse(deep(20)) },
    };
    const answer = await heard.post('/commands', { commands: [open('b-1'), poison, open('b-3')] });
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201]);
    expect(answer.body.results[1].body.fields[0].field).toContain('x.x');
    expect((await heard.get('/cases/b-2/events')).status).toBe(404);
    // Retried as a whole: the written items are replays, nothing is written twice.
    const retry = await heard.post('/commands', { commands: [open('b-1'), poison, open('b-3')] });
    expect(retry.body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201]);
    expect((await heard.get('/cases/b-1/events')).body.events).toHaveLength(1);
  });

  it('cuts a body trickled slower than HEARD_REQUEST_TIMEOUT with a 408 in heard’s body', async () => {
    const slow = await startHeard(tempDataDir(), { HEARD_REQUEST_TIMEOUT: '1s' });
    try {
      const port = new URL(slow.url).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(
            `POST /cases HTTP/1.1\r\nHost: x\r\nAuthorization: ${asAdmin.authorization}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
          );
        });
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
        setTimeout(() => reject(new Error('no answer in 10 s')), 10_000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1.1 408/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
        statusCode: 408,
        error: 'request_timeout',
      });
    } finally {
      await slow.stop();
      removeDir(slow.dataDir);
    }
  });
});
