import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainCommand } from '@heard/domain';
import { SqliteEventStore } from '@heard/event-store';
import {
  accountAlertsProjection,
  changeImpactProjection,
  enqueueDueFollowUps,
  followUpsProjection,
  kpisProjection,
  ProjectionRunner,
  readChangeImpact,
  readFollowUps,
  readKpis,
  recurringIssuesProjection,
  type Projection,
} from './index';
import { readOutbound, type ReadStore } from '@heard/read-store';
import { describeOnEachReadStore } from '../../../test/support/read-stores';
import { recordAll } from './testing/record';

const DAY = 86_400_000;
const T0 = Date.parse('2026-05-01T09:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const open = (
  caseId: string,
  customerId: string,
  days: number,
  extra: Partial<DomainCommand> = {},
) =>
  ({
    type: 'OpenCase',
    caseId,
    at: at(days),
    customerId,
    channel: 'phone',
    category: 'defect',
    product: 'Kettle',
    summary: 'Kettle switches off before boiling',
    ...extra,
  }) as DomainCommand;
const link = (caseId: string, issueId: string, days: number): DomainCommand => ({
  type: 'LinkCaseToIssue',
  caseId,
  issueId,
  at: at(days),
});
const resolve = (caseId: string, days: number, dueInDays = 3): DomainCommand => ({
  type: 'ResolveCase',
  caseId,
  at: at(days),
  agentId: 'agent-1',
  resolution: 'Replaced the kettle',
  followUp: { followUpId: `fu-${caseId}-${days}`, dueAt: at(days + dueInDays) },
});
const issue = (issueId: string, days: number): DomainCommand[] => [
  {
    type: 'IdentifyIssue',
    issueId,
    at: at(days),
    title: 'Kettle cuts out',
    product: 'Kettle',
    category: 'defect',
  },
  { type: 'AcknowledgeIssue', issueId, at: at(days), team: 'kettles', owner: 'pm-1' },
];

describeOnEachReadStore('projections that speak to the outside world', (site) => {
  let dir: string;
  let events: SqliteEventStore;
  let reads: ReadStore;
  let runner: ProjectionRunner;

  const start = async (projections: Projection[]) => {
    events = new SqliteEventStore(join(dir, 'events.db'));
    reads = site.open();
    runner = new ProjectionRunner(events, reads, projections, undefined, 3);
    await runner.start();
  };
  const given = async (commands: DomainCommand[]) => {
    await recordAll(events, commands);
    expect(await runner.waitFor(await events.head(), 5000)).toBe(true);
  };
  const outbox = async (type?: string) =>
    (await readOutbound(reads, { type, limit: 10_000 })).map((m) => ({
      key: m.key,
      data: m.data,
      id: m.id,
    }));

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'heard-outbound-'))));
  afterEach(async () => {
    await runner.stop();
    await reads.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends one fix notice per linked customer and none to others, and none again after a rebuild', async () => {
    await start([followUpsProjection]);
    await given([
      ...issue('kettle', 0),
      ...issue('other', 0),
      open('c1', 'cust-a', 1),
      open('c2', 'cust-a', 2),
      open('c3', 'cust-b', 2),
      open('c4', 'cust-c', 3),
      open('c5', 'cust-d', 3),
      link('c1', 'kettle', 4),
      link('c2', 'kettle', 4),
      link('c3', 'kettle', 4),
      link('c5', 'other', 4),
      {
        type: 'ShipFix',
        issueId: 'kettle',
        at: at(10),
        release: '2.4.1',
        description: 'New thermostat',
      },
    ]);
    const notices = await outbox('heard.notice.fix-shipped');
    expect(notices.map((n) => n.key)).toEqual(['cust-a', 'cust-b']);
    expect(notices[0]!.data).toMatchObject({
      caseIds: ['c1', 'c2'],
      release: '2.4.1',
      reportedBy: 2,
    });

    // Linked after the fix shipped: this customer hears too, once.
    await given([link('c4', 'kettle', 11)]);
    expect((await outbox('heard.notice.fix-shipped')).map((n) => n.key)).toEqual([
      'cust-a',
      'cust-b',
      'cust-c',
    ]);

    // An internal fix, shipped without crediting customers: nobody is told.
    await given([
      {
        type: 'ShipFix',
        issueId: 'other',
        at: at(12),
        release: '9',
        description: 'Internal',
        creditCustomers: false,
      },
    ]);
    expect(await outbox('heard.notice.fix-shipped')).toHaveLength(3);

    const before = await outbox();
    await runner.rebuild(['follow_ups']);
    expect(await outbox()).toEqual(before);
  });

  it('tells each affected customer once that an incident began and that it ended', async () => {
    await start([followUpsProjection]);
    await given([
      {
        type: 'DeclareIncident',
        incidentId: 'outage',
        at: at(0),
        title: 'Payments down',
        message: 'Card payments fail; we are on it',
        affectedCustomerIds: ['cust-a', 'cust-b', 'cust-a'],
      },
      { type: 'ResolveIncident', incidentId: 'outage', at: at(1), note: 'Payments work again' },
    ]);
    expect((await outbox('heard.notice.incident-declared')).map((n) => n.key)).toEqual([
      'cust-a',
      'cust-b',
    ]);
    expect((await outbox('heard.notice.incident-resolved')).map((n) => n.data.message)).toEqual([
      'Payments work again',
      'Payments work again',
    ]);
  });

  it('queues a due follow-up once, skips one the customer confirmed first, and records an outcome', async () => {
    await start([followUpsProjection]);
    await given([
      open('due', 'cust-a', 0),
      resolve('due', 1),
      open('confirmed', 'cust-b', 0),
      resolve('confirmed', 1),
      { type: 'ConfirmResolution', caseId: 'confirmed', at: at(2) },
      open('answered', 'cust-c', 0),
      resolve('answered', 1),
      {
        type: 'CompleteFollowUp',
        caseId: 'answered',
        followUpId: 'fu-answered-1',
        at: at(4),
        outcome: 'not_fixed',
        csat: 2,
      },
    ]);
    const now = T0 + 30 * DAY;
    expect(await enqueueDueFollowUps(reads, now)).toBe(1);
    expect(await enqueueDueFollowUps(reads, now)).toBe(0);
    const triggers = await outbox('heard.follow-up.due');
    expect(triggers.map((t) => t.data.caseId)).toEqual(['due']);

    const byStatus = async (status: 'due' | 'cancelled' | 'completed') =>
      (await readFollowUps(reads, { status, nowMs: now, limit: 10 })).followUps;
    expect((await byStatus('due')).map((f) => f.caseId)).toEqual(['due']);
    expect(await byStatus('cancelled')).toMatchObject([
      { caseId: 'confirmed', cancelReason: 'confirmed' },
    ]);
    expect(await byStatus('completed')).toMatchObject([
      { caseId: 'answered', outcome: 'not_fixed', csat: 2 },
    ]);
    // The day after its resolution it was not due yet.
    expect(
      (
        await readFollowUps(reads, { status: 'scheduled', nowMs: T0 + 2 * DAY, limit: 10 })
      ).followUps.map((f) => f.caseId),
    ).toEqual(['due']);
  });

  it('announces a spike once, calms it when the window moves on, and announces nothing new after a rebuild', async () => {
    await start([
      recurringIssuesProjection({ windowDays: 7, baselineDays: 28, minCases: 3, ratio: 2 }),
    ]);
    await given([
      open('b1', 'cust-1', 0),
      open('b2', 'cust-2', 5),
      ...['s1', 's2', 's3', 's4'].map((id, i) => open(id, `cust-s${i}`, 30)),
      // Another product, three weeks later: the kettle's window is empty again.
      open('x1', 'cust-x', 51, { product: 'Toaster' }),
    ]);
    const trends = (await readOutbound(reads, { topic: 'issue-trends', limit: 100 })).map((m) => [
      m.key,
      m.type,
    ]);
    expect(trends).toEqual([
      ['unlinked:Kettle|defect', 'heard.issue-trend.appeared'],
      ['unlinked:Kettle|defect', 'heard.issue-trend.spiking'],
      ['unlinked:Kettle|defect', 'heard.issue-trend.calmed'],
    ]);
    const groups = await reads.query('SELECT * FROM ri_groups ORDER BY group_key');
    await runner.rebuild(['recurring_issues']);
    expect(await reads.query('SELECT * FROM ri_groups ORDER BY group_key')).toEqual(groups);
    expect(await readOutbound(reads, { topic: 'issue-trends', limit: 100 })).toHaveLength(3);
  });

  it('alerts an account once when its open cases pass the threshold, again only after it came back under', async () => {
    await start([accountAlertsProjection({ openCasesThreshold: 2 })]);
    const acct = { accountId: 'acct-1' } as Partial<DomainCommand>;
    await given([
      open('a1', 'cust-1', 0, acct),
      open('a2', 'cust-2', 0, acct),
      open('a3', 'cust-3', 0, acct),
      open('a4', 'cust-4', 0, acct),
      resolve('a1', 1),
      resolve('a2', 1),
      open('a5', 'cust-5', 2, acct),
      {
        type: 'EscalateCase',
        caseId: 'a5',
        at: at(2),
        agentId: 'agent-1',
        level: 'manager',
        reason: 'Threatens to cancel',
        notifySales: true,
      },
      {
        type: 'EscalateCase',
        caseId: 'a4',
        at: at(2),
        agentId: 'agent-1',
        level: 'team',
        reason: 'Needs a specialist',
      },
    ]);
    const alerts = await outbox();
    expect(alerts.map((a) => [a.key, a.id.split(':')[1], a.data.openCases])).toEqual([
      ['acct-1', 'open-cases', 3],
      ['acct-1', 'open-cases', 3],
      ['acct-1', 'escalation', 3],
    ]);
    expect(alerts[0]!.data.caseIds).toEqual(['a1', 'a2', 'a3']);
  });

  it("tells a key account's owner of an SLA breach at once, and nobody of another account's", async () => {
    await start([accountAlertsProjection({ openCasesThreshold: 100, keyTiers: ['enterprise'] })]);
    const account = (accountId: string, tier: string): DomainCommand => ({
      type: 'DefineAccount',
      accountId,
      at: at(0),
      terms: { name: accountId, tier, ownerId: `owner-of-${accountId}`, successManagerId: 'kim' },
    });
    const gold = {
      policyId: 'gold',
      version: 1,
      definedAt: at(0),
      name: 'Gold',
      priority: 1,
      match: {},
      calendar: { timeZone: 'UTC', hours: '24x7' as const, holidays: [] },
      targets: { firstResponse: 'PT1H' },
      warnAt: 0.5,
      escalation: [],
    };
    const breach = (caseId: string): DomainCommand => ({
      type: 'RecordSlaBreach',
      caseId,
      at: at(1),
      target: 'firstResponse',
      cycle: 1,
    });
    await given([
      account('big', 'enterprise'),
      account('small', 'smb'),
      open('k1', 'cust-1', 0, { accountId: 'big', sla: gold }),
      open('s1', 'cust-2', 0, { accountId: 'small', sla: gold }),
      breach('k1'),
      breach('s1'),
    ]);
    expect(await outbox('heard.account-alert.sla-breach')).toEqual([
      expect.objectContaining({
        key: 'big',
        data: expect.objectContaining({
          caseId: 'k1',
          target: 'firstResponse',
          keyAccount: true,
          ownerId: 'owner-of-big',
          successManagerId: 'kim',
        }),
      }),
    ]);
  });

  it('counts inbound contacts in equal windows before and after a change, by category and channel', async () => {
    await start([changeImpactProjection]);
    await given([
      {
        type: 'AnnounceChange',
        changeId: 'ivr',
        at: at(0),
        kind: 'ivr',
        description: 'New menu',
        effectiveAt: at(10),
      },
      open('early', 'cust-1', 1), // outside the 7-day window
      open('b1', 'cust-2', 5),
      {
        type: 'LogContact',
        caseId: 'b1',
        at: at(6),
        contactId: 'k1',
        channel: 'email',
        direction: 'inbound',
        agentId: 'a',
        note: 'Again',
      },
      {
        type: 'LogContact',
        caseId: 'b1',
        at: at(6),
        contactId: 'k2',
        channel: 'email',
        direction: 'outbound',
        agentId: 'a',
        note: 'Answer',
      },
      open('a1', 'cust-3', 11, { channel: 'ivr' }),
      open('a2', 'cust-4', 12, { channel: 'ivr', category: 'billing' }),
      open('a3', 'cust-5', 16.9),
      open('late', 'cust-6', 17.5),
    ]);
    const impact = await readChangeImpact(reads, 'ivr', 7);
    expect(impact?.total).toEqual({ before: 2, after: 3, difference: 1, changePct: 50 });
    expect(impact?.byChannel).toEqual([
      { channel: 'email', before: 1, after: 0, difference: -1, changePct: -100 },
      { channel: 'ivr', before: 0, after: 2, difference: 2, changePct: null },
      { channel: 'phone', before: 1, after: 1, difference: 0, changePct: 0 },
    ]);
    expect(impact?.byCategory.map((c) => [c.category, c.before, c.after])).toEqual([
      ['billing', 0, 1],
      ['defect', 2, 2],
    ]);
    expect(await readChangeImpact(reads, 'never', 7)).toBeUndefined();
  });

  it('measures outcomes per team: first-contact resolution, reopens, handovers, apologies, satisfaction', async () => {
    await start([kpisProjection]);
    await given([
      open('fcr', 'cust-1', 0),
      {
        type: 'IssueApology',
        caseId: 'fcr',
        at: at(0.5),
        agentId: 'agent-1',
        fault: 'ours',
        statement: 'Sorry',
      },
      resolve('fcr', 1),
      open('hard', 'cust-2', 0),
      {
        type: 'LogContact',
        caseId: 'hard',
        at: at(1),
        contactId: 'k',
        channel: 'phone',
        direction: 'inbound',
        agentId: 'agent-1',
        note: 'Calls again',
      },
      {
        type: 'IssueApology',
        caseId: 'hard',
        at: at(2),
        agentId: 'agent-1',
        fault: 'third_party',
        thirdParty: 'Carrier',
        statement: 'Sorry',
      },
      {
        type: 'HandOverCase',
        caseId: 'hard',
        at: at(2),
        fromAgentId: 'agent-1',
        toTeam: 'claims',
        summary: 'Lost parcel; customer wants a refund today',
      },
      resolve('hard', 3),
      { type: 'RejectResolution', caseId: 'hard', at: at(4), reason: 'Still broken' },
      resolve('hard', 5),
      {
        type: 'CompleteFollowUp',
        caseId: 'hard',
        followUpId: 'fu-hard-5',
        at: at(8),
        outcome: 'satisfied',
        csat: 4,
      },
    ]);
    const report = await readKpis(reads, { by: 'team' });
    expect(report.rows).toMatchObject([
      {
        key: 'claims',
        cases: 1,
        firstContactResolution: 0,
        repeatContactsBeforeResolution: 1,
        handoversPerCase: 1,
        reopenRate: 1,
        hoursToFirstApology: 48,
        hoursToConfirmedFix: 192,
        satisfaction: 4,
        thirdPartyApologyShare: 1,
      },
      {
        key: 'first-line',
        cases: 1,
        firstContactResolution: 1,
        handoversPerCase: 0,
        reopenRate: 0,
        hoursToFirstApology: 12,
        hoursToConfirmedFix: null,
        satisfaction: null,
        thirdPartyApologyShare: 0,
      },
    ]);
    expect(report.overall).toMatchObject({
      cases: 2,
      resolved: 2,
      firstContactResolution: 0.5,
      thirdPartyApologyShare: 0.5,
    });
  });
});
