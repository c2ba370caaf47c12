import { specFor } from '../testing/given-when-then';
import { fold } from '../shared/decider';
import { caseDecider, caseRules, HEARD_ITSELF } from '../case/case.decider';
import type { CaseEvent } from '../case/case.events';
import type { CaseCommand } from '../case/case.commands';
import { deadlinesOf } from './deadlines';
import {
  choosePolicy,
  slaPolicyDecider,
  slaPolicyProblems,
  type SlaPolicyTerms,
  type SlaPolicyVersion,
} from './sla-policy';

const spec = specFor(caseDecider);
const caseId = 'c1';
const t0 = '2026-03-02T10:00:00.000Z'; // a Monday
const plus = (minutes: number) => new Date(Date.parse(t0) + minutes * 60_000).toISOString();

const terms: SlaPolicyTerms = {
  name: 'Gold',
  priority: 1,
  match: { accountTiers: ['gold'] },
  calendar: { timeZone: 'UTC', hours: '24x7', holidays: [] },
  targets: { firstResponse: 'PT1H', nextResponse: 'PT30M', resolution: 'P1D' },
  warnAt: 0.5,
  escalation: [
    { level: 'team', after: 'PT0S', notifySales: false },
    { level: 'manager', after: 'PT2H', notifySales: true },
  ],
};
const gold: SlaPolicyVersion = { ...terms, policyId: 'gold', version: 3, definedAt: t0 };

const opened: CaseEvent = {
  type: 'CaseOpened',
  data: {
    caseId,
    customerId: 'cust-1',
    accountId: 'acct-1',
    channel: 'phone',
    category: 'billing',
    summary: 'Charged twice',
    openedBy: 'ana',
    openedAt: t0,
  },
};
const applied: CaseEvent = {
  type: 'SlaPolicyApplied',
  data: {
    caseId,
    policyId: 'gold',
    version: 3,
    name: 'Gold',
    calendar: terms.calendar,
    targets: {
      firstResponse: { duration: 'PT1H' },
      nextResponse: { duration: 'PT30M' },
      resolution: { duration: 'P1D' },
    },
    warnAt: 0.5,
    escalation: terms.escalation,
    appliedAt: t0,
  },
};
const contact = (direction: 'inbound' | 'outbound', at: string): CaseCommand => ({
  type: 'LogContact',
  caseId,
  at,
  contactId: `k-${at}`,
  channel: 'email',
  direction,
  agentId: 'ana',
  note: 'Wrote back',
});
const contactLogged = (direction: 'inbound' | 'outbound', at: string): CaseEvent => ({
  type: 'ContactLogged',
  data: {
    caseId,
    contactId: `k-${at}`,
    channel: 'email',
    direction,
    agentId: 'ana',
    note: 'Wrote back',
    contactedAt: at,
  },
});
const firstMet: CaseEvent = {
  type: 'SlaTargetMet',
  data: { caseId, target: 'firstResponse', cycle: 1, dueAt: plus(60), metAt: plus(20) },
};
const firstBreached: CaseEvent = {
  type: 'SlaTargetBreached',
  data: { caseId, target: 'firstResponse', cycle: 1, dueAt: plus(60), breachedAt: plus(60) },
};

describe('SLA clocks in the case', () => {
  it('applies the policy that matched when the case opens and starts its clocks', () => {
    spec([])
      .when({
        type: 'OpenCase',
        caseId,
        at: t0,
        customerId: 'cust-1',
        accountId: 'acct-1',
        channel: 'phone',
        category: 'billing',
        summary: 'Charged twice',
        openedBy: 'ana',
        sla: gold,
      })
      .then([opened, applied]);
    const state = fold(caseDecider, [opened, applied]);
    expect(state.sla?.targets.firstResponse).toMatchObject({
      status: 'running',
      dueAt: plus(60),
      warnAt: plus(30),
    });
    expect(state.sla?.targets.resolution?.dueAt).toBe(plus(24 * 60));
    expect(state.sla?.targets.nextResponse).toBeUndefined();
  });

  it('meets the first response with the first outbound contact', () => {
    spec([opened, applied])
      .when(contact('outbound', plus(20)))
      .then([contactLogged('outbound', plus(20)), firstMet]);
  });

  it('records a breach at the due time when the answer comes after it', () => {
    spec([opened, applied])
      .when(contact('outbound', plus(75)))
      .then([contactLogged('outbound', plus(75)), firstBreached]);
  });

  it('records a breach only once it is due, and never on a target already met', () => {
    const breach: CaseCommand = {
      type: 'RecordSlaBreach',
      caseId,
      at: plus(59),
      target: 'firstResponse',
      cycle: 1,
    };
    spec([opened, applied]).when(breach).thenRefuses(caseRules.nothingDue, 'conflict');
    spec([opened, applied])
      .when({ ...breach, at: plus(61) })
      .then([firstBreached]);
    spec([opened, applied, contactLogged('outbound', plus(20)), firstMet])
      .when({ ...breach, at: plus(61) })
      .thenRefuses(caseRules.nothingDue);
    spec([opened, applied, firstBreached])
      .when({ ...breach, at: plus(62) })
      .thenRefuses(caseRules.nothingDue);
  });

  it('warns at the policy share of the target', () => {
    spec([opened, applied])
      .when({ type: 'RecordSlaWarning', caseId, at: plus(31), target: 'firstResponse', cycle: 1 })
      .then([
        {
          type: 'SlaWarningReached',
          data: { caseId, target: 'firstResponse', cycle: 1, dueAt: plus(60), warnedAt: plus(30) },
        },
      ]);
  });

  it('pauses while waiting on the customer, and their next contact resumes the clocks', () => {
    const waiting: CaseEvent = {
      type: 'WaitingStarted',
      data: {
        caseId,
        agentId: 'ana',
        on: 'customer',
        reason: 'Asked for the invoice number',
        startedAt: plus(20),
      },
    };
    spec([opened, applied])
      .when({
        type: 'StartWaiting',
        caseId,
        at: plus(20),
        agentId: 'ana',
        on: 'customer',
        reason: 'Asked for the invoice number',
      })
      .then([waiting]);
    // Paused: nothing falls due while the case waits.
    spec([opened, applied, waiting])
      .when({ type: 'RecordSlaBreach', caseId, at: plus(70), target: 'firstResponse', cycle: 1 })
      .thenRefuses(caseRules.nothingDue);
    const ended: CaseEvent = {
      type: 'WaitingEnded',
      data: { caseId, by: 'inbound_contact', endedAt: plus(140) },
    };
    spec([opened, applied, waiting])
      .when(contact('inbound', plus(140)))
      .then([ended, contactLogged('inbound', plus(140))]);
    // 20 of 60 minutes were used before the wait: 40 are left after it.
    const state = fold(caseDecider, [
      opened,
      applied,
      waiting,
      ended,
      contactLogged('inbound', plus(140)),
    ]);
    expect(state.sla?.targets.firstResponse).toMatchObject({ status: 'running', dueAt: plus(180) });
    expect(state.waiting).toBeUndefined();
    expect(deadlinesOf(fold(caseDecider, [opened, applied, waiting]))).toEqual([]);
  });

  it('starts the next-response clock with each inbound contact after an answer', () => {
    const given = [
      opened,
      applied,
      contactLogged('outbound', plus(20)),
      firstMet,
      contactLogged('inbound', plus(100)),
    ];
    expect(fold(caseDecider, given).sla?.targets.nextResponse).toMatchObject({
      status: 'running',
      cycle: 1,
      dueAt: plus(130),
    });
    spec(given)
      .when(contact('outbound', plus(110)))
      .then([
        contactLogged('outbound', plus(110)),
        {
          type: 'SlaTargetMet',
          data: { caseId, target: 'nextResponse', cycle: 1, dueAt: plus(130), metAt: plus(110) },
        },
      ]);
  });

  it('escalates a breached case on its own, level by level, as heard', () => {
    const escalate: CaseCommand = {
      type: 'EscalateForSla',
      caseId,
      at: plus(61),
      target: 'firstResponse',
      cycle: 1,
      level: 'team',
    };
    const escalated: CaseEvent = {
      type: 'CaseEscalated',
      data: {
        caseId,
        agentId: HEARD_ITSELF,
        level: 'team',
        reason: `firstResponse breached at ${plus(60)} under SLA policy Gold (gold v3)`,
        notifySales: false,
        accountId: 'acct-1',
        escalatedAt: plus(61),
        sla: { target: 'firstResponse', cycle: 1, policyId: 'gold', version: 3 },
      },
    };
    spec([opened, applied, firstBreached]).when(escalate).then([escalated]);
    // Once: the same level again is nothing to do.
    spec([opened, applied, firstBreached, escalated])
      .when(escalate)
      .thenRefuses(caseRules.nothingDue);
    // The manager level is due two hours after the breach, and tells sales.
    spec([opened, applied, firstBreached, escalated])
      .when({ ...escalate, level: 'manager', at: plus(170) })
      .thenRefuses(caseRules.nothingDue);
    expect(
      deadlinesOf(fold(caseDecider, [opened, applied, firstBreached, escalated])),
    ).toContainEqual({
      kind: 'escalation',
      target: 'firstResponse',
      cycle: 1,
      level: 'manager',
      dueAt: plus(180),
    });
    // Never for a resolved or waiting case.
    const resolved: CaseEvent = {
      type: 'CaseResolved',
      data: { caseId, agentId: 'ana', resolution: 'Refunded', resolvedAt: plus(61) },
    };
    spec([opened, applied, firstBreached, resolved])
      .when(escalate)
      .thenRefuses(caseRules.nothingDue);
    const waiting: CaseEvent = {
      type: 'WaitingStarted',
      data: { caseId, agentId: 'ana', on: 'third_party', reason: 'Bank', startedAt: plus(61) },
    };
    spec([opened, applied, firstBreached, waiting])
      .when(escalate)
      .thenRefuses(caseRules.nothingDue);
  });

  it('keeps a promise by its kind of event before it is due, and breaks it after', () => {
    const made: CaseEvent = {
      type: 'PromiseMade',
      data: {
        caseId,
        promiseId: 'p1',
        agentId: 'ana',
        promise: 'I will call you back by 3 pm',
        dueAt: plus(300),
        keptBy: 'outbound_contact',
        madeAt: plus(10),
      },
    };
    spec([opened, applied])
      .when({
        type: 'MakePromise',
        caseId,
        at: plus(10),
        promiseId: 'p1',
        agentId: 'ana',
        promise: 'I will call you back by 3 pm',
        dueAt: plus(300),
        keptBy: 'outbound_contact',
      })
      .then([made]);
    spec([opened, applied, made])
      .when(contact('outbound', plus(20)))
      .then([
        contactLogged('outbound', plus(20)),
        firstMet,
        {
          type: 'PromiseKept',
          data: {
            caseId,
            promiseId: 'p1',
            by: 'outbound_contact',
            agentId: 'ana',
            keptAt: plus(20),
          },
        },
      ]);
    const broken: CaseEvent = {
      type: 'PromiseBroken',
      data: { caseId, promiseId: 'p1', agentId: 'ana', dueAt: plus(300), brokenAt: plus(300) },
    };
    spec([opened, applied, made])
      .when({ type: 'RecordPromiseBroken', caseId, at: plus(301), promiseId: 'p1' })
      .then([broken]);
    spec([opened, applied, made])
      .when({ type: 'KeepPromise', caseId, at: plus(301), promiseId: 'p1', agentId: 'ana' })
      .thenRefuses(caseRules.promisePastDue);
    spec([opened, applied, made, broken])
      .when({ type: 'RecordPromiseBroken', caseId, at: plus(302), promiseId: 'p1' })
      .thenRefuses(caseRules.nothingDue);
  });

  it('counts business hours: a case opened Friday 16:30 in Berlin is due Monday morning', () => {
    const berlin = {
      ...applied,
      data: {
        ...applied.data,
        calendar: {
          timeZone: 'Europe/Berlin',
          hours: {
            mon: ['09:00-17:00'],
            tue: ['09:00-17:00'],
            wed: ['09:00-17:00'],
            thu: ['09:00-17:00'],
            fri: ['09:00-17:00'],
          },
          holidays: [],
        },
        appliedAt: '2026-03-06T15:30:00.000Z',
      },
    } as CaseEvent;
    expect(fold(caseDecider, [opened, berlin]).sla?.targets.firstResponse?.dueAt).toBe(
      '2026-03-09T08:30:00.000Z',
    );
  });
});

describe('SLA policies', () => {
  it('chooses the first matching policy by priority; tiers match only a case with that tier', () => {
    const standard: SlaPolicyVersion = { ...gold, policyId: 'standard', priority: 9, match: {} };
    const facts = { channel: 'phone' as const, category: 'billing' };
    expect(choosePolicy([standard, gold], { ...facts, accountTier: 'gold' })?.policyId).toBe(
      'gold',
    );
    expect(choosePolicy([standard, gold], facts)?.policyId).toBe('standard');
    expect(choosePolicy([gold], { ...facts, accountTier: 'silver' })).toBeUndefined();
  });

  it('versions each definition and refuses a bad one field by field', () => {
    expect(
      slaPolicyDecider.decide(
        { type: 'DefineSlaPolicy', policyId: 'gold', at: t0, terms },
        { version: 3 },
      ),
    ).toEqual([
      { type: 'SlaPolicyDefined', data: { ...terms, policyId: 'gold', version: 4, definedAt: t0 } },
    ]);
    const problems = slaPolicyProblems({
      ...terms,
      targets: { firstResponse: 'PT0S', resolution: '-PT1H' },
      warnAt: 1.5,
      escalation: [
        { level: 'manager', after: 'PT1H', notifySales: false },
        { level: 'team', after: 'PT2H', notifySales: false },
      ],
    });
    expect(problems.map((p) => p.field)).toEqual([
      'targets.firstResponse',
      'targets.resolution',
      'warnAt',
      'escalation.1.level',
    ]);
  });
});
