import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '@heard/config';
import { parse } from 'csv-parse/sync';
import {
  DEMO_DEFAULTS,
  DEMO_DEFECT_ISSUE,
  DEMO_IVR_CHANGE,
  demoHistory,
  loadOverHttp,
} from '@heard/demo';
import { rebuildInParallel } from '@heard/projections-thread';
import { DEFAULT_PROJECTION_RULES, defaultProjections, ProjectionRunner } from '@heard/projections';
import { SqliteReadStore } from '@heard/read-store';
import { demoOracle } from '../support/demo-oracle';
import {
  removeDir,
  runCli,
  startHeard,
  tempDataDir,
  type RunningHeard,
  TEST_ADMIN_KEY,
  TEST_MASTER_KEY,
} from '../support/heard-app';
import { dumpReadModels } from '../support/read-models';
import { describeOnEachReadStoreSetting } from '../support/read-stores';

const demo = { ...DEMO_DEFAULTS, customers: 1200 };
const ISSUE_GROUP = `issue:${DEMO_DEFECT_ISSUE}`;
const encode = encodeURIComponent;

/** Polls until `check` returns something truthy (the scheduler and relay run on a timer). */
const eventually = async <T>(
  check: () => Promise<T | undefined | false>,
  ms = 10_000,
): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describeOnEachReadStoreSetting(
  'heard by product teams and customers, on the demo data',
  (settings) => {
    // Some tests restart heard and rebuild a projection, on PostgreSQL too.
    jest.setTimeout(60_000);
    const oracle = demoOracle(demo);
    let dir: string;
    let heard: RunningHeard;
    let loadedAt = '';

    beforeAll(async () => {
      dir = tempDataDir();
      heard = await startHeard(dir, { HEARD_SCHEDULER_INTERVAL: '200ms', ...settings() });
      const report = await loadOverHttp(heard.url, demoHistory(demo), { apiKey: TEST_ADMIN_KEY });
      expect(report.refused).toBe(0);
      loadedAt = report.lastPosition;
      // The read models catch up at their own pace (slower on PostgreSQL): the tests read them caught up.
      const started = Date.now();
      expect(await heard.app.get(ProjectionRunner).waitFor(loadedAt, 120_000)).toBe(true);
      console.log(
        `read models (${settings().HEARD_READ_STORE ? 'PostgreSQL' : 'SQLite'}) caught up ${Date.now() - started} ms after the demo's last command`,
      );
    }, 240_000);
    afterAll(async () => {
      await heard.stop();
      removeDir(dir);
    });

    const fixNotices = async () =>
      (
        await heard.get(
          `/messages?type=heard.notice.fix-shipped&subject=issue-${DEMO_DEFECT_ISSUE}&limit=1000`,
        )
      ).body.messages as Array<{ key: string; data: { caseIds: string[] }; sentAt: string | null }>;

    it('shows the recurring defect as a spike, with its customers, and tells product teams once', async () => {
      const { status, body } = await heard.get(
        `/reports/recurring-issues?status=spiking&minPosition=${loadedAt}`,
      );
      expect(status).toBe(200);
      const spiking = body.groups.map((g: { group: string }) => g.group);
      expect(spiking).toContain(ISSUE_GROUP);
      expect(spiking).toContain('unlinked:AquaBottle 2|defect');
      expect(spiking).not.toContain('unlinked:invoices|billing');
      const defect = body.groups.find((g: { group: string }) => g.group === ISSUE_GROUP);
      expect(defect.trend.windowCases).toBeGreaterThanOrEqual(body.rule.minCases);
      expect(defect.owner).toEqual({ team: 'bottles', owner: 'pm-lindqvist' });

      const customers = await heard.get(
        `/reports/recurring-issues/customers?group=${encode(ISSUE_GROUP)}&from=${body.period.from}&to=${body.period.to}`,
      );
      expect(customers.body.customers).toHaveLength(defect.customers);

      const trends = await eventually(async () => {
        const { body: page } = await heard.get(
          `/messages?topic=issue-trends&key=${encode(ISSUE_GROUP)}&status=sent`,
        );
        return page.messages.length >= 3 && page.messages;
      });
      expect(trends.map((m: { type: string }) => m.type)).toEqual([
        'heard.issue-trend.appeared',
        'heard.issue-trend.acknowledged',
        'heard.issue-trend.spiking',
      ]);
    });

    it('counts the contacts in equal windows before and after the IVR change', async () => {
      const { status, body } = await heard.get(`/reports/change-impact/${DEMO_IVR_CHANGE}?days=14`);
      expect(status).toBe(200);
      const expected = oracle.ivrWindows(14);
      expect(
        Object.fromEntries(
          body.byChannel.map((c: { channel: string; before: number; after: number }) => [
            c.channel,
            { before: c.before, after: c.after },
          ]),
        ),
      ).toEqual(expected);
      expect(body.byChannel.find((c: { channel: string }) => c.channel === 'ivr')).toMatchObject({
        before: 0,
      });
      expect((await heard.get('/reports/change-impact/no-such-change')).status).toBe(404);
    });

    it('sends exactly one "you were heard" notice to each linked customer when the fix ships, none to others, across a retry, a restart and a rebuild', async () => {
      const ship = () =>
        heard.post(
          `/issues/${DEMO_DEFECT_ISSUE}/fix-shipped`,
          { release: 'AquaBottle lid v3', description: 'A new seal that keeps its shape' },
          { 'Idempotency-Key': 'ship-lid-v3' },
        );
      const shipped = await ship();
      expect(shipped.status).toBe(201);
      const notices = await eventually(async () => {
        const all = await fixNotices();
        return all.length === oracle.linkedCustomers.length && all.every((n) => n.sentAt) && all;
      });
      expect(notices.map((n) => n.key).sort()).toEqual(oracle.linkedCustomers);

      const retried = await ship();
      expect(retried.headers.get('idempotent-replayed')).toBe('true');
      expect(retried.body).toEqual(shipped.body);
      await heard.stop();
      heard = await startHeard(dir, { HEARD_SCHEDULER_INTERVAL: '200ms', ...settings() });
      await heard.app.get(ProjectionRunner).rebuild(['follow_ups']);
      expect(await fixNotices()).toEqual(notices);
    });

    it('accepts a candidate issue: its past cases are linked, and their customers hear about the fix already shipped', async () => {
      const { body } = await heard.get(
        `/reports/candidate-issues?product=${encode('AquaBottle 2')}`,
      );
      expect(body.candidates).toHaveLength(1);
      const candidate = body.candidates[0];
      expect(candidate.keywords).toEqual(expect.arrayContaining(['lid', 'leaks']));
      // The same candidate, id and cases, whether one product is listed or all of them.
      expect((await heard.get('/reports/candidate-issues')).body.candidates).toContainEqual(
        candidate,
      );

      const accepted = await heard.post(`/candidate-issues/${candidate.candidateId}/acceptance`, {
        issueId: DEMO_DEFECT_ISSUE,
      });
      expect(accepted.status).toBe(201);
      expect(accepted.body).toMatchObject({
        issueId: DEMO_DEFECT_ISSUE,
        created: false,
        notFound: [],
      });
      expect(accepted.body.linked).toEqual(candidate.caseIds);

      const before = new Set(oracle.linkedCustomers);
      // Read-your-writes: the reports below wait for the links (slower read models, PostgreSQL's, too).
      const linkedAt = encode(accepted.body.position);
      const newlyLinked = (
        await heard.get(
          `/reports/recurring-issues/customers?group=${encode(ISSUE_GROUP)}&minPosition=${linkedAt}`,
        )
      ).body.customers
        .map((c: { customerId: string }) => c.customerId)
        .filter((id: string) => !before.has(id));
      expect(newlyLinked.length).toBeGreaterThan(0);
      const notices = await eventually(async () => {
        const all = await fixNotices();
        return all.length === before.size + newlyLinked.length && all;
      });
      expect(new Set(notices.map((n) => n.key)).size).toBe(notices.length);

      // Accepted again with the same list: nothing is linked twice.
      const again = await heard.post(`/candidate-issues/${candidate.candidateId}/acceptance`, {
        issueId: DEMO_DEFECT_ISSUE,
        caseIds: candidate.caseIds,
      });
      expect(again.body).toMatchObject({ linked: [], alreadyLinked: candidate.caseIds });
      expect(
        (
          await heard.get(
            `/reports/candidate-issues?product=${encode('AquaBottle 2')}&minPosition=${linkedAt}`,
          )
        ).body.candidates,
      ).toEqual([]);

      // Bad input names the field; a candidate that is gone (and no list given) is a 404.
      const bad = await heard.post(`/candidate-issues/${candidate.candidateId}/acceptance`, {
        caseIds: ['not an id!'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['caseIds']);
      const gone = await heard.post(`/candidate-issues/${candidate.candidateId}/acceptance`, {});
      expect(gone.status).toBe(404);
      expect(gone.body.error).toBe('candidate.not_found');
    });

    it('reports outcome KPIs by team, and refuses a dimension it does not know', async () => {
      const { body } = await heard.get('/reports/kpis?by=team');
      expect(body.rows.map((r: { key: string }) => r.key)).toEqual(['claims', 'first-line']);
      expect(body.overall.cases).toBe(
        body.rows.reduce((n: number, r: { cases: number }) => n + r.cases, 0),
      );
      expect(body.rows[0].thirdPartyApologyShare).toBeGreaterThan(0.9);
      const bad = await heard.get('/reports/kpis?by=planet&from=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual(['by', 'from']);
    });

    it('takes a new KPI definition while serving: the new version reads at once, the old stays readable, a bad one names its field', async () => {
      type Definition = { kpi: string; version: number; parameters: Record<string, unknown> };
      const fcrOf = (body: { definitions: Definition[] }) =>
        body.definitions.find((d) => d.kpi === 'first_contact_resolution');
      const before = (await heard.get('/reports/kpis?by=week')).body;
      expect(fcrOf(before)).toMatchObject({ version: 0, parameters: { maxInboundContacts: 0 } });

      const looser = await heard.put('/kpi-definitions/first_contact_resolution', {
        maxInboundContacts: 3,
        allowHandovers: true,
        note: 'A customer who calls back still counts',
      });
      expect(looser.status).toBe(201);
      expect(looser.body.events).toEqual(['KpiDefined']);
      const after = (
        await heard.get(`/reports/kpis?by=week&minPosition=${encode(looser.body.position)}`)
      ).body;
      expect(fcrOf(after)).toMatchObject({
        version: 1,
        parameters: { maxInboundContacts: 3, allowHandovers: true, noRepeatWithinDays: null },
        note: 'A customer who calls back still counts',
      });
      expect(after.overall.firstContactResolution).toBeGreaterThan(
        before.overall.firstContactResolution,
      );
      // The old version beside the new: the same figures as before the change.
      const old = (await heard.get('/reports/kpis?by=week&definition=first_contact_resolution@0'))
        .body;
      expect(fcrOf(old)?.version).toBe(0);
      expect({ overall: old.overall, rows: old.rows }).toEqual({
        overall: before.overall,
        rows: before.rows,
      });
      const strict = await heard.put('/kpi-definitions/first_contact_resolution', {
        noRepeatWithinDays: 30,
      });
      const strictly = (
        await heard.get(`/reports/kpis?by=week&minPosition=${encode(strict.body.position)}`)
      ).body;
      expect(fcrOf(strictly)?.version).toBe(2);
      expect(strictly.overall.firstContactResolution).toBeLessThanOrEqual(
        before.overall.firstContactResolution,
      );
      const listed = (await heard.get('/kpi-definitions')).body.definitions.filter(
        (d: Definition) => d.kpi === 'first_contact_resolution',
      );
      expect(listed.map((d: Definition & { current: boolean }) => [d.version, d.current])).toEqual([
        [0, false],
        [1, false],
        [2, true],
      ]);
      const csv: Array<Record<string, string>> = parse(
        (
          await heard.get('/reports/kpis?by=week&definition=first_contact_resolution@1', {
            accept: 'text/csv',
          })
        ).body,
        { columns: true },
      );
      expect(csv[0]!.definitions).toContain('first_contact_resolution@1');

      // Bad definitions are refused, naming the field, and write nothing.
      for (const [path, body, field] of [
        ['/kpi-definitions/first_contact_resolution', { withinDays: 3 }, 'withinDays'],
        ['/kpi-definitions/satisfied_share', { minCsat: 9 }, 'minCsat'],
        ['/kpi-definitions/reopen_rate', { withinDays: 0 }, 'withinDays'],
        ['/kpi-definitions/reopen_rate', { colour: 'red' }, 'colour'],
        ['/kpi-definitions/net_promoter_score', {}, 'kpi'],
      ] as const) {
        const refused = await heard.put(path, body);
        expect([
          path,
          refused.status,
          refused.body.fields?.map((f: { field: string }) => f.field),
        ]).toEqual([path, 400, [field]]);
      }
      for (const asked of ['first_contact_resolution@9', 'fcr@1', 'reopen_rate@0,reopen_rate@0'])
        expect(
          (await heard.get(`/reports/kpis?definition=${encode(asked)}`)).body.fields?.[0]?.field,
        ).toBe('definition');
      expect(
        (await heard.get('/kpi-definitions')).body.definitions.filter(
          (d: Definition) => d.kpi === 'first_contact_resolution',
        ),
      ).toHaveLength(3);
    });

    it('answers every report as CSV on Accept: text/csv, one row per row of its JSON list', async () => {
      const reports: Array<[string, (body: any) => Array<Record<string, unknown>>]> = [
        ['/reports/recurring-issues', (b) => b.groups],
        [`/reports/recurring-issues/customers?group=${encode(ISSUE_GROUP)}`, (b) => b.customers],
        ['/reports/candidate-issues', (b) => b.candidates],
        [`/reports/change-impact/${DEMO_IVR_CHANGE}`, (b) => b.byCategoryAndChannel],
        ['/reports/changes', (b) => b.changes],
        ['/reports/kpis?by=week', (b) => b.rows],
        ['/follow-ups?limit=50', (b) => b.followUps],
        ['/messages?limit=50', (b) => b.messages],
      ];
      for (const [path, rowsOf] of reports) {
        const json = rowsOf((await heard.get(path)).body);
        const csv = await heard.get(path, { accept: 'text/csv' });
        expect([path, csv.status]).toEqual([path, 200]);
        expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".+\.csv"$/);
        expect(csv.headers.get('vary')).toMatch(/Accept/);
        const rows: Array<Record<string, string>> = parse(csv.body as string, { columns: true });
        expect([path, rows.length]).toEqual([path, json.length]);
        expect(json.length).toBeGreaterThan(0);
        // Each CSV row holds its JSON row's plain fields as text, nested ones as dotted columns.
        json.forEach((row, i) => {
          for (const [field, value] of Object.entries(row))
            if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
              expect([path, i, field, rows[i]![field]]).toEqual([
                path,
                i,
                field,
                value === null
                  ? ''
                  : typeof value === 'string' && /^[=+\-@\t\r]/.test(value)
                    ? `'${value}` // kept from running as a spreadsheet formula
                    : String(value as string | number | boolean),
              ]);
        });
      }
      const groups: Array<Record<string, string>> = parse(
        (await heard.get('/reports/recurring-issues', { accept: 'text/csv' })).body,
        {
          columns: true,
        },
      );
      expect(groups[0]!['trend.spiking']).toMatch(/^(true|false)$/);
    });

    it('finds customers by their id, an account or a case, and lists the announced changes', async () => {
      const timeline = (await heard.get('/customers/cust-000007/timeline')).body;
      const accountId = timeline.summary.accountIds[0];
      const caseId = timeline.entries.find((e: { caseId: string | null }) => e.caseId).caseId;
      for (const term of ['cust-000007', accountId, caseId]) {
        const { status, body } = await heard.get(`/customers?search=${encode(term)}`);
        expect(status).toBe(200);
        const found = body.customers.find(
          (c: { customerId: string }) => c.customerId === 'cust-000007',
        );
        expect([term, found?.accountIds]).toEqual([term, expect.arrayContaining([accountId])]);
        expect(found.cases.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
      }
      expect((await heard.get('/customers?search=nobody-at-all')).body.customers).toEqual([]);
      const missing = await heard.get('/customers');
      expect(missing.status).toBe(400);
      expect(missing.body.fields[0].field).toBe('search');

      const { body } = await heard.get('/reports/changes');
      expect(body.changes.map((c: { changeId: string }) => c.changeId)).toContain(DEMO_IVR_CHANGE);
    });
  },
);

describe('a follow-up, from resolution to "not fixed"', () => {
  let dir: string;
  let heard: RunningHeard;
  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_FOLLOW_UP_DELAY: '1s',
      HEARD_SCHEDULER_INTERVAL: '200ms',
    });
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('comes due, goes to the follow-ups topic once, and a "not fixed" answer reopens the case', async () => {
    await heard.post('/cases', {
      caseId: 'fu-1',
      customerId: 'cust-fu',
      channel: 'chat',
      category: 'defect',
      summary: 'Lid leaks',
    });
    const resolved = await heard.post('/cases/fu-1/resolution', {
      agentId: 'ana',
      resolution: 'Sent a new lid',
    });
    const followUpId = resolved.body.ids.followUpId as string;
    expect(
      (
        await heard.get(
          `/follow-ups?status=scheduled&caseId=fu-1&minPosition=${resolved.body.position}`,
        )
      ).body.followUps,
    ).toHaveLength(1);

    const sent = await eventually(
      async () => (await heard.get('/follow-ups?status=sent&caseId=fu-1')).body.followUps[0],
    );
    expect(sent).toMatchObject({ followUpId, status: 'due', customerId: 'cust-fu' });
    const triggers = (await heard.get('/messages?type=heard.follow-up.due&subject=case-fu-1')).body
      .messages;
    expect(triggers).toHaveLength(1);
    expect(triggers[0].data).toMatchObject({
      followUpId,
      resolution: 'Sent a new lid',
      completion: `/cases/fu-1/follow-ups/${followUpId}/completion`,
    });

    const completed = await heard.post(`/cases/fu-1/follow-ups/${followUpId}/completion`, {
      outcome: 'not_fixed',
      csat: 1,
      note: 'Still leaks',
    });
    expect(completed.status).toBe(201);
    expect(completed.body.events).toEqual(['FollowUpCompleted', 'CaseReopened']);
    expect(
      (await heard.get(`/cases/fu-1?minPosition=${completed.body.position}`)).body.status,
    ).toBe('open');
    expect(
      (await heard.get('/follow-ups?status=completed&caseId=fu-1')).body.followUps,
    ).toMatchObject([{ outcome: 'not_fixed', csat: 1 }]);
    // Some time later: still one trigger.
    await new Promise((r) => setTimeout(r, 500));
    expect(
      (await heard.get('/messages?type=heard.follow-up.due&subject=case-fu-1')).body.messages,
    ).toHaveLength(1);
  });
});

describe('heard rebuild', () => {
  it('gives the same rows as the live projections, table by table, in parallel or in one thread, and sends nothing new', async () => {
    const dir = tempDataDir();
    try {
      const heard = await startHeard(dir);
      const small = { ...DEMO_DEFAULTS, customers: 300 };
      const loaded = await loadOverHttp(heard.url, demoHistory(small), { apiKey: TEST_ADMIN_KEY });
      await heard.post(`/issues/${DEMO_DEFECT_ISSUE}/fix-shipped`, {
        release: 'v3',
        description: 'New seal',
      });
      const last = await heard.post('/incidents/incident-invoice-emails/resolution', {
        note: 'Sent',
      });
      expect(last.body.position > loaded.lastPosition).toBe(true);
      await heard.app.get(ProjectionRunner).waitFor(last.body.position, 10_000);
      const file = join(dir, 'read-models.db');
      // The relay sends what the last batches added a moment after them: wait until it has.
      await eventually(async () => {
        const db = new Database(file, { readonly: true });
        try {
          const { pending } = db
            .prepare('SELECT COUNT(*) AS pending FROM outbound_messages WHERE sent_at IS NULL')
            .get() as { pending: number };
          return Promise.resolve(pending === 0);
        } finally {
          db.close();
        }
      });
      await heard.stop();

      const tables = defaultProjections().flatMap((p) => p.tables);
      const dump = () => {
        const db = new Database(file, { readonly: true });
        try {
          return Object.fromEntries(
            [...tables, 'outbound_messages', 'projection_checkpoints'].map((table) => [
              table,
              db
                .prepare(`SELECT * FROM ${table}`)
                .all()
                // When the summary row was written is the clock's, not the events'; a
                // message put back in the outbox is numbered anew.
                .map((row) =>
                  JSON.stringify({
                    ...(row as object),
                    updated_at: undefined,
                    seq: undefined,
                    created_at: undefined,
                  }),
                )
                .sort(),
            ]),
          );
        } finally {
          db.close();
        }
      };
      const live = dump();
      // The relay sent every message (the embedded bus). Five the projections decided are
      // lost from the outbox: the rebuild owes them again and puts them back, to be sent again
      // (at least once); every other one stays as it was, sent, and is not added twice. (A due
      // follow-up's message is the scheduler's: its next pass queues it again, not a rebuild.)
      const lose = () => {
        const db = new Database(file);
        const lost = db
          .prepare(
            `DELETE FROM outbound_messages WHERE seq IN (SELECT seq FROM outbound_messages
             WHERE message_id NOT LIKE 'follow-up:%' ORDER BY seq DESC LIMIT 5) RETURNING message_id`,
          )
          .all()
          .map((row) => (row as { message_id: string }).message_id);
        db.close();
        expect(lost).toHaveLength(5);
        return lost;
      };
      const owedAgain = (lost: string[]) => ({
        ...live,
        outbound_messages: live
          .outbound_messages!.map((row) => {
            const message = JSON.parse(row) as { message_id: string; sent_at: string | null };
            return lost.includes(message.message_id)
              ? JSON.stringify({ ...message, sent_at: null })
              : row;
          })
          .sort(),
      });
      expect(live.outbound_messages!.every((row) => JSON.parse(row).sent_at)).toBe(true);
      expect(live.follow_ups!.length).toBeGreaterThan(0);
      expect(live.ri_cases!.length).toBeGreaterThan(0);
      expect(live.projection_checkpoints).toHaveLength(defaultProjections().length);

      const rebuild = (...args: string[]) =>
        runCli(['rebuild', ...args], {
          HEARD_DATA_DIR: dir,
          HEARD_MASTER_KEY: TEST_MASTER_KEY,
          CI: 'true',
        });
      const lostBeforeParallel = lose();
      // Three threads whatever the machine: each rebuilds into its own file, merged at the end.
      const parallel = rebuild('--threads', '3');
      expect(parallel.stderr).not.toMatch(/Error/);
      expect(parallel.status).toBe(0);
      expect(parallel.stdout).toMatch(/rebuilt from \d+ events in [\d.]+ s by 3 threads/);
      expect(dump()).toEqual(owedAgain(lostBeforeParallel));
      expect(readdirSync(dir).filter((f) => f.includes('.rebuild-'))).toEqual([]);

      const lostBeforeOneThread = lose();
      const oneThread = rebuild('--threads', '1');
      expect(oneThread.status).toBe(0);
      expect(oneThread.stdout).not.toMatch(/threads/);
      expect(dump()).toEqual(owedAgain([...lostBeforeParallel, ...lostBeforeOneThread]));
    } finally {
      removeDir(dir);
    }
  }, 120_000);

  it('leaves the read models as they were when a thread fails, and leaves no files behind', async () => {
    const dir = tempDataDir();
    try {
      const heard = await startHeard(dir);
      await loadOverHttp(heard.url, demoHistory({ ...DEMO_DEFAULTS, customers: 100 }), {
        apiKey: TEST_ADMIN_KEY,
      });
      await heard.stop();
      const reads = new SqliteReadStore(join(dir, 'read-models.db'));
      try {
        const before = await dumpReadModels(reads);
        expect(before.timeline_entries!.length).toBeGreaterThan(0);
        // The wrong master key: the threads cannot open the customers' words.
        await expect(
          rebuildInParallel({
            eventStoreFile: join(dir, 'events.db'),
            reads,
            masterKey: Buffer.alloc(32, 9),
            rules: DEFAULT_PROJECTION_RULES,
            names: defaultProjections().map((p) => p.name),
            threads: 2,
          }),
        ).rejects.toThrow(/HEARD_MASTER_KEY/);
        expect(await dumpReadModels(reads)).toEqual(before);
        expect(readdirSync(dir).filter((f) => f.includes('.rebuild-'))).toEqual([]);
      } finally {
        await reads.close();
      }
    } finally {
      removeDir(dir);
    }
  }, 120_000);
});
