import { specFor } from '../testing/given-when-then';
import { fold } from '../shared/decider';
import { caseDecider, caseRules } from './case.decider';
import type { CaseEvent } from './case.events';

const spec = specFor(caseDecider);
const caseId = 'c1';
const at = '2026-03-01T10:00:00.000Z';
const later = '2026-03-02T10:00:00.000Z';

const opened: CaseEvent = {
  type: 'CaseOpened',
  data: {
    caseId,
    customerId: 'cust-1',
    accountId: 'acct-1',
    channel: 'phone',
    category: 'billing',
    product: 'invoices',
    summary: 'Charged twice for the March invoice',
    desiredOutcome: 'Refund of the second charge',
    openedBy: 'agent-1',
    openedAt: at,
  },
};
const proposed: CaseEvent = {
  type: 'FixProposed',
  data: {
    caseId,
    fixId: 'f1',
    agentId: 'agent-1',
    kind: 'refund',
    description: 'Refund 49.90',
    proposedAt: at,
  },
};
const applied: CaseEvent = {
  type: 'FixApplied',
  data: { caseId, fixId: 'f1', agentId: 'agent-1', appliedAt: at },
};
const resolved: CaseEvent[] = [
  {
    type: 'CaseResolved',
    data: { caseId, agentId: 'agent-1', resolution: 'Refunded', resolvedAt: at },
  },
  {
    type: 'FollowUpScheduled',
    data: { caseId, followUpId: 'fu1', reason: 'resolution', dueAt: later, scheduledAt: at },
  },
];
const closed: CaseEvent = {
  type: 'CaseClosed',
  data: { caseId, agentId: 'agent-1', closedAt: at },
};

describe('Case decider', () => {
  describe('OpenCase', () => {
    const open = {
      type: 'OpenCase' as const,
      caseId,
      at,
      customerId: 'cust-1',
      accountId: 'acct-1',
      channel: 'phone' as const,
      category: 'billing',
      product: 'invoices',
      summary: 'Charged twice for the March invoice',
      desiredOutcome: 'Refund of the second charge',
      openedBy: 'agent-1',
    };
    it('opens a new case', () => spec([]).when(open).then([opened]));
    it('refuses to open a case twice', () =>
      spec([opened]).when(open).thenRefuses(caseRules.alreadyExists, 'conflict'));
  });

  it('refuses any other command on a case that does not exist', () =>
    spec([])
      .when({ type: 'ConfirmResolution', caseId, at })
      .thenRefuses(caseRules.notFound, 'not_found'));

  describe('LogContact', () => {
    const log = {
      type: 'LogContact' as const,
      caseId,
      at,
      contactId: 'k1',
      channel: 'email' as const,
      direction: 'inbound' as const,
      agentId: 'agent-2',
      note: 'Customer sent the bank statement',
    };
    it('logs a contact', () =>
      spec([opened])
        .when(log)
        .then([
          {
            type: 'ContactLogged',
            data: {
              caseId,
              contactId: 'k1',
              channel: 'email',
              direction: 'inbound',
              agentId: 'agent-2',
              note: 'Customer sent the bank statement',
              reason: undefined,
              contactedAt: at,
            },
          },
        ]));
    it('accepts a repeat contact on a resolved case', () =>
      expect(caseDecider.decide(log, fold(caseDecider, [opened, ...resolved]))).toHaveLength(1));
    it('refuses a contact on a closed case', () =>
      spec([opened, closed]).when(log).thenRefuses(caseRules.closed, 'conflict'));
  });

  describe('IssueApology', () => {
    it('records who was at fault', () =>
      spec([opened])
        .when({
          type: 'IssueApology',
          caseId,
          at,
          agentId: 'agent-1',
          fault: 'third_party',
          thirdParty: 'FastCarrier',
          statement: 'I am sorry the carrier lost your bag',
        })
        .then([
          {
            type: 'ApologyIssued',
            data: {
              caseId,
              agentId: 'agent-1',
              fault: 'third_party',
              thirdParty: 'FastCarrier',
              statement: 'I am sorry the carrier lost your bag',
              apologizedAt: at,
            },
          },
        ]));
    it('refuses a third-party apology that names no third party', () =>
      spec([opened])
        .when({
          type: 'IssueApology',
          caseId,
          at,
          agentId: 'a',
          fault: 'third_party',
          statement: 'Sorry',
        })
        .thenRefuses(caseRules.apologyThirdPartyNamed, 'invalid'));
  });

  describe('HandOverCase', () => {
    const summary =
      'Double charge confirmed on the statement; refund approved, needs manager sign-off';
    it('hands over with an executive summary and moves the case to its receiver', () => {
      spec([opened])
        .when({
          type: 'HandOverCase',
          caseId,
          at,
          fromAgentId: 'agent-1',
          toTeam: 'billing-managers',
          summary,
        })
        .then([
          {
            type: 'CaseHandedOver',
            data: {
              caseId,
              fromAgentId: 'agent-1',
              toAgentId: undefined,
              toTeam: 'billing-managers',
              summary,
              reason: undefined,
              handedOverAt: at,
            },
          },
        ]);
      const [event] = caseDecider.decide(
        { type: 'HandOverCase', caseId, at, fromAgentId: 'agent-1', toAgentId: 'agent-9', summary },
        fold(caseDecider, [opened]),
      );
      expect(fold(caseDecider, [opened, event!]).holder).toEqual({ agentId: 'agent-9' });
    });
    it('refuses a handover without a summary', () =>
      spec([opened])
        .when({ type: 'HandOverCase', caseId, at, fromAgentId: 'agent-1', toAgentId: 'agent-2' })
        .thenRefuses(caseRules.handoverSummaryRequired, 'invalid'));
    it('refuses a summary shorter than 20 characters, blanks not counted', () =>
      spec([opened])
        .when({
          type: 'HandOverCase',
          caseId,
          at,
          fromAgentId: 'agent-1',
          toAgentId: 'agent-2',
          summary: '   see notes          ',
        })
        .thenRefuses(caseRules.handoverSummaryRequired));
    it('refuses a handover with two receivers', () =>
      spec([opened])
        .when({
          type: 'HandOverCase',
          caseId,
          at,
          fromAgentId: 'a',
          toAgentId: 'b',
          toTeam: 't',
          summary,
        })
        .thenRefuses(caseRules.handoverOneReceiver, 'invalid'));
    it('refuses a handover with no receiver', () =>
      spec([opened])
        .when({ type: 'HandOverCase', caseId, at, fromAgentId: 'a', summary })
        .thenRefuses(caseRules.handoverOneReceiver));
    it('refuses a handover to the same agent', () =>
      spec([opened])
        .when({ type: 'HandOverCase', caseId, at, fromAgentId: 'a', toAgentId: 'a', summary })
        .thenRefuses(caseRules.handoverToSelf));
  });

  it('records a diagnosis: symptoms, root cause, desired outcome', () =>
    spec([opened])
      .when({
        type: 'RecordDiagnosis',
        caseId,
        at,
        agentId: 'agent-1',
        symptoms: 'Two identical charges',
        rootCause: 'Payment retry',
        desiredOutcome: 'Refund',
      })
      .then([
        {
          type: 'DiagnosisRecorded',
          data: {
            caseId,
            agentId: 'agent-1',
            symptoms: 'Two identical charges',
            rootCause: 'Payment retry',
            desiredOutcome: 'Refund',
            diagnosedAt: at,
          },
        },
      ]));

  describe('fixes', () => {
    it('proposes a fix', () =>
      spec([opened])
        .when({
          type: 'ProposeFix',
          caseId,
          at,
          fixId: 'f1',
          agentId: 'agent-1',
          kind: 'refund',
          description: 'Refund 49.90',
        })
        .then([proposed]));
    it('refuses to propose the same fix id twice', () =>
      spec([opened, proposed])
        .when({
          type: 'ProposeFix',
          caseId,
          at,
          fixId: 'f1',
          agentId: 'a',
          kind: 'credit',
          description: 'x',
        })
        .thenRefuses(caseRules.fixAlreadyProposed, 'conflict'));
    it('applies a proposed fix', () =>
      spec([opened, proposed])
        .when({ type: 'ApplyFix', caseId, at, fixId: 'f1', agentId: 'agent-1' })
        .then([applied].map((e) => ({ ...e, data: { ...e.data, note: undefined } }))));
    it('refuses to apply a fix that was never proposed', () =>
      spec([opened])
        .when({ type: 'ApplyFix', caseId, at, fixId: 'f1', agentId: 'agent-1' })
        .thenRefuses(caseRules.fixNotProposed, 'invalid'));
    it('refuses to apply a fix twice', () =>
      spec([opened, proposed, applied])
        .when({ type: 'ApplyFix', caseId, at, fixId: 'f1', agentId: 'agent-1' })
        .thenRefuses(caseRules.fixAlreadyApplied, 'conflict'));
  });

  describe('EscalateCase', () => {
    const escalate = {
      type: 'EscalateCase' as const,
      caseId,
      at,
      agentId: 'agent-1',
      reason: 'Angry',
      level: 'manager' as const,
    };
    it('escalates and carries the account for its sales team', () =>
      spec([opened])
        .when({ ...escalate, notifySales: true })
        .then([
          {
            type: 'CaseEscalated',
            data: {
              caseId,
              agentId: 'agent-1',
              level: 'manager',
              reason: 'Angry',
              notifySales: true,
              accountId: 'acct-1',
              escalatedAt: at,
            },
          },
        ]));
    it('refuses an escalation that is not higher than the current one', () =>
      spec([opened, ...caseDecider.decide(escalate, fold(caseDecider, [opened]))])
        .when({ ...escalate, level: 'team' })
        .thenRefuses(caseRules.escalationNotHigher, 'conflict'));
    it('refuses to notify sales when the case has no account', () => {
      const noAccount: CaseEvent = {
        type: 'CaseOpened',
        data: { ...(opened.data as object), accountId: undefined },
      } as CaseEvent;
      spec([noAccount])
        .when({ ...escalate, notifySales: true })
        .thenRefuses(caseRules.escalationNeedsAccount, 'invalid');
    });
  });

  describe('resolution', () => {
    const resolve = {
      type: 'ResolveCase' as const,
      caseId,
      at,
      agentId: 'agent-1',
      resolution: 'Refunded',
      followUp: { followUpId: 'fu1', dueAt: later },
    };
    it('resolves and schedules the follow-up', () => spec([opened]).when(resolve).then(resolved));
    it('refuses to resolve twice', () =>
      spec([opened, ...resolved])
        .when(resolve)
        .thenRefuses(caseRules.alreadyResolved, 'conflict'));
    it('refuses to resolve a closed case', () =>
      spec([opened, closed]).when(resolve).thenRefuses(caseRules.closed, 'conflict'));
    it('confirms a pending resolution', () =>
      spec([opened, ...resolved])
        .when({ type: 'ConfirmResolution', caseId, at: later, note: 'All good' })
        .then([
          { type: 'ResolutionConfirmed', data: { caseId, note: 'All good', confirmedAt: later } },
        ]));
    it('refuses to confirm when nothing is resolved', () =>
      spec([opened])
        .when({ type: 'ConfirmResolution', caseId, at })
        .thenRefuses(caseRules.resolutionNotPending, 'conflict'));
    it('a rejection reopens the case', () => {
      spec([opened, ...resolved])
        .when({ type: 'RejectResolution', caseId, at: later, reason: 'Still charged twice' })
        .then([
          {
            type: 'ResolutionRejected',
            data: { caseId, reason: 'Still charged twice', rejectedAt: later },
          },
          {
            type: 'CaseReopened',
            data: { caseId, reason: 'Resolution rejected: Still charged twice', reopenedAt: later },
          },
        ]);
      const events = caseDecider.decide(
        { type: 'RejectResolution', caseId, at: later, reason: 'no' },
        fold(caseDecider, [opened, ...resolved]),
      );
      const state = fold(caseDecider, [opened, ...resolved, ...events]);
      expect(state.status).toBe('open');
      expect(state.reopenCount).toBe(1);
    });
    it('refuses to reject a confirmed resolution', () =>
      spec([
        opened,
        ...resolved,
        { type: 'ResolutionConfirmed', data: { caseId, confirmedAt: at } },
      ])
        .when({ type: 'RejectResolution', caseId, at, reason: 'changed my mind' })
        .thenRefuses(caseRules.resolutionNotPending));
  });

  describe('reopen and closure', () => {
    it('reopens a resolved case', () =>
      spec([opened, ...resolved])
        .when({ type: 'ReopenCase', caseId, at, agentId: 'agent-1', reason: 'Charged again' })
        .then([
          {
            type: 'CaseReopened',
            data: { caseId, agentId: 'agent-1', reason: 'Charged again', reopenedAt: at },
          },
        ]));
    it('reopens a closed case: the one command a closed case accepts', () =>
      expect(
        caseDecider.decide(
          { type: 'ReopenCase', caseId, at, agentId: 'a', reason: 'back' },
          fold(caseDecider, [opened, closed]),
        )[0]?.type,
      ).toBe('CaseReopened'));
    it('refuses to reopen an open case', () =>
      spec([opened])
        .when({ type: 'ReopenCase', caseId, at, agentId: 'a', reason: 'x' })
        .thenRefuses(caseRules.alreadyOpen, 'conflict'));
    it('closes a resolved case', () =>
      spec([opened, ...resolved])
        .when({ type: 'CloseCase', caseId, at, agentId: 'agent-1' })
        .then([
          {
            type: 'CaseClosed',
            data: { caseId, agentId: 'agent-1', reason: undefined, closedAt: at },
          },
        ]));
    it('refuses to close an unresolved case without a reason', () =>
      spec([opened])
        .when({ type: 'CloseCase', caseId, at, agentId: 'agent-1' })
        .thenRefuses(caseRules.closureReasonRequired, 'invalid'));
    it('closes an unresolved case with a reason', () =>
      expect(
        caseDecider.decide(
          { type: 'CloseCase', caseId, at, agentId: 'a', reason: 'Duplicate of c2' },
          fold(caseDecider, [opened]),
        ),
      ).toHaveLength(1));
    it('refuses to close twice', () =>
      spec([opened, closed])
        .when({ type: 'CloseCase', caseId, at, agentId: 'a' })
        .thenRefuses(caseRules.closed));
  });

  describe('NoteCase', () => {
    const note = {
      type: 'NoteCase' as const,
      caseId,
      at,
      agentId: 'agent-1',
      note: 'Customer prefers email after 5 pm',
    };
    it('notes a case for colleagues', () =>
      spec([opened])
        .when(note)
        .then([
          {
            type: 'CaseNoted',
            data: { caseId, agentId: 'agent-1', note: note.note, notedAt: at },
          },
        ]));
    it('refuses a note on a case that does not exist', () =>
      spec([]).when(note).thenRefuses(caseRules.notFound, 'not_found'));
    it('refuses a note on a closed case: only a reopen is accepted there', () =>
      spec([opened, closed]).when(note).thenRefuses(caseRules.closed));
  });

  describe('LinkCaseToIssue', () => {
    const link = { type: 'LinkCaseToIssue' as const, caseId, at, issueId: 'i1' };
    it('links a case to an issue', () =>
      spec([opened])
        .when(link)
        .then([{ type: 'CaseLinkedToIssue', data: { caseId, issueId: 'i1', linkedAt: at } }]));
    it('refuses the same link twice', () =>
      spec([opened, { type: 'CaseLinkedToIssue', data: { caseId, issueId: 'i1', linkedAt: at } }])
        .when(link)
        .thenRefuses(caseRules.alreadyLinked, 'conflict'));
    it('links a closed case, after the fact', () =>
      spec([opened, closed])
        .when(link)
        .then([{ type: 'CaseLinkedToIssue', data: { caseId, issueId: 'i1', linkedAt: at } }]));
  });

  describe('CompleteFollowUp', () => {
    const complete = {
      type: 'CompleteFollowUp' as const,
      caseId,
      at: later,
      followUpId: 'fu1',
      outcome: 'satisfied' as const,
      csat: 5,
    };
    it('records the outcome and satisfaction', () =>
      spec([opened, ...resolved])
        .when(complete)
        .then([
          {
            type: 'FollowUpCompleted',
            data: {
              caseId,
              followUpId: 'fu1',
              outcome: 'satisfied',
              csat: 5,
              note: undefined,
              completedAt: later,
            },
          },
        ]));
    it('"not fixed" reopens the case', () => {
      const events = caseDecider.decide(
        { ...complete, outcome: 'not_fixed' },
        fold(caseDecider, [opened, ...resolved]),
      );
      expect(events.map((e) => e.type)).toEqual(['FollowUpCompleted', 'CaseReopened']);
    });
    it('"not fixed" on a closed case reopens it too', () => {
      const events = caseDecider.decide(
        { ...complete, outcome: 'not_fixed' },
        fold(caseDecider, [opened, ...resolved, closed]),
      );
      expect(events.map((e) => e.type)).toEqual(['FollowUpCompleted', 'CaseReopened']);
    });
    it('refuses a follow-up that was never scheduled', () =>
      spec([opened, ...resolved])
        .when({ ...complete, followUpId: 'nope' })
        .thenRefuses(caseRules.followUpNotScheduled, 'invalid'));
    it('refuses to complete a follow-up twice', () =>
      spec([
        opened,
        ...resolved,
        ...caseDecider.decide(complete, fold(caseDecider, [opened, ...resolved])),
      ])
        .when(complete)
        .thenRefuses(caseRules.followUpAlreadyCompleted, 'conflict'));
  });

  it('folds a whole story into what an agent needs to know', () => {
    const handover: CaseEvent = {
      type: 'CaseHandedOver',
      data: {
        caseId,
        fromAgentId: 'agent-1',
        toTeam: 'managers',
        summary: 'Refund approved, needs sign-off',
        handedOverAt: at,
      },
    };
    const state = fold(caseDecider, [opened, proposed, applied, handover, ...resolved]);
    expect(state).toMatchObject({
      status: 'resolved',
      holder: { team: 'managers' },
      handovers: 1,
      lastHandover: { summary: 'Refund approved, needs sign-off' },
      fixes: { f1: { status: 'applied', kind: 'refund' } },
      resolution: { status: 'pending' },
      followUps: { fu1: { status: 'scheduled', dueAt: later } },
    });
  });
});
