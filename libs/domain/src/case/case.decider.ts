import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import { ESCALATION_LEVELS } from '../shared/vocabulary';
import type { CaseCommand } from './case.commands';
import type { CaseEvent } from './case.events';
import { initialCaseState, type CaseState } from './case.state';

/** The shortest executive summary a handover may carry: enough for a sentence of context. */
const MIN_HANDOVER_SUMMARY_LENGTH = 20;

export const caseRules = {
  alreadyExists: 'case.already_exists',
  notFound: 'case.not_found',
  closed: 'case.closed',
  notResolved: 'case.not_resolved',
  alreadyResolved: 'case.already_resolved',
  alreadyOpen: 'case.already_open',
  handoverSummaryRequired: 'handover.executive_summary_required',
  handoverOneReceiver: 'handover.exactly_one_receiver',
  handoverToSelf: 'handover.to_same_agent',
  apologyThirdPartyNamed: 'apology.third_party_must_be_named',
  fixAlreadyProposed: 'fix.already_proposed',
  fixNotProposed: 'fix.not_proposed',
  fixAlreadyApplied: 'fix.already_applied',
  escalationNotHigher: 'escalation.level_not_higher',
  escalationNeedsAccount: 'escalation.notify_sales_needs_account',
  resolutionNotPending: 'resolution.not_pending',
  closureReasonRequired: 'closure.reason_required_when_unresolved',
  alreadyLinked: 'issue_link.already_linked',
  followUpNotScheduled: 'follow_up.not_scheduled',
  followUpAlreadyCompleted: 'follow_up.already_completed',
} as const;

const requireExisting = (state: CaseState, caseId: string): void => {
  if (state.status === 'none')
    refuse(caseRules.notFound, 'not_found', `Case ${caseId} does not exist`);
};

/** Only a reopen is accepted on a closed case. */
const requireNotClosed = (state: CaseState): void => {
  requireExisting(state, state.caseId);
  if (state.status === 'closed')
    refuse(
      caseRules.closed,
      'conflict',
      `Case ${state.caseId} is closed; only a reopen is accepted`,
    );
};

const decide = (command: CaseCommand, state: CaseState): CaseEvent[] => {
  const { caseId, at } = command;
  if (command.type !== 'OpenCase') requireExisting(state, caseId);

  switch (command.type) {
    case 'OpenCase': {
      if (state.status !== 'none')
        refuse(caseRules.alreadyExists, 'conflict', `Case ${caseId} already exists`);
      return [
        {
          type: 'CaseOpened',
          data: {
            caseId,
            customerId: command.customerId,
            accountId: command.accountId,
            channel: command.channel,
            category: command.category,
            product: command.product,
            summary: command.summary,
            desiredOutcome: command.desiredOutcome,
            openedBy: command.openedBy,
            openedAt: at,
          },
        },
      ];
    }
    case 'LogContact':
      requireNotClosed(state);
      return [
        {
          type: 'ContactLogged',
          data: {
            caseId,
            contactId: command.contactId,
            channel: command.channel,
            direction: command.direction,
            agentId: command.agentId,
            note: command.note,
            reason: command.reason,
            contactedAt: at,
          },
        },
      ];
    case 'IssueApology':
      requireNotClosed(state);
      if (command.fault === 'third_party' && !command.thirdParty?.trim())
        refuse(
          caseRules.apologyThirdPartyNamed,
          'invalid',
          'An apology for a third party’s fault must name the third party (thirdParty)',
        );
      return [
        {
          type: 'ApologyIssued',
          data: {
            caseId,
            agentId: command.agentId,
            fault: command.fault,
            statement: command.statement,
            thirdParty: command.thirdParty,
            apologizedAt: at,
          },
        },
      ];
    case 'HandOverCase': {
      requireNotClosed(state);
      const summary = command.summary?.trim() ?? '';
      if (summary.length < MIN_HANDOVER_SUMMARY_LENGTH)
        refuse(
          caseRules.handoverSummaryRequired,
          'invalid',
          `A handover needs an executive summary of at least ${MIN_HANDOVER_SUMMARY_LENGTH} characters, so that the customer never repeats the story`,
        );
      const receivers = [command.toAgentId, command.toTeam].filter((r) => r?.trim()).length;
      if (receivers !== 1)
        refuse(
          caseRules.handoverOneReceiver,
          'invalid',
          'A handover names exactly one receiver: toAgentId or toTeam',
        );
      if (command.toAgentId && command.toAgentId === command.fromAgentId)
        refuse(
          caseRules.handoverToSelf,
          'invalid',
          'A case cannot be handed over to the same agent',
        );
      return [
        {
          type: 'CaseHandedOver',
          data: {
            caseId,
            fromAgentId: command.fromAgentId,
            toAgentId: command.toAgentId,
            toTeam: command.toTeam,
            summary,
            reason: command.reason,
            handedOverAt: at,
          },
        },
      ];
    }
    case 'RecordDiagnosis':
      requireNotClosed(state);
      return [
        {
          type: 'DiagnosisRecorded',
          data: {
            caseId,
            agentId: command.agentId,
            symptoms: command.symptoms,
            rootCause: command.rootCause,
            desiredOutcome: command.desiredOutcome,
            diagnosedAt: at,
          },
        },
      ];
    case 'ProposeFix':
      requireNotClosed(state);
      if (state.fixes[command.fixId])
        refuse(
          caseRules.fixAlreadyProposed,
          'conflict',
          `Fix ${command.fixId} was already proposed`,
        );
      return [
        {
          type: 'FixProposed',
          data: {
            caseId,
            fixId: command.fixId,
            agentId: command.agentId,
            kind: command.kind,
            description: command.description,
            proposedAt: at,
          },
        },
      ];
    case 'ApplyFix': {
      requireNotClosed(state);
      const fix = state.fixes[command.fixId];
      if (!fix)
        refuse(
          caseRules.fixNotProposed,
          'invalid',
          `Fix ${command.fixId} was never proposed on case ${caseId}; propose it first`,
        );
      if (fix?.status === 'applied')
        refuse(caseRules.fixAlreadyApplied, 'conflict', `Fix ${command.fixId} was already applied`);
      return [
        {
          type: 'FixApplied',
          data: {
            caseId,
            fixId: command.fixId,
            agentId: command.agentId,
            note: command.note,
            appliedAt: at,
          },
        },
      ];
    }
    case 'EscalateCase': {
      requireNotClosed(state);
      const current = state.escalation ? ESCALATION_LEVELS.indexOf(state.escalation.level) : -1;
      if (ESCALATION_LEVELS.indexOf(command.level) <= current)
        refuse(
          caseRules.escalationNotHigher,
          'conflict',
          `Case ${caseId} is already escalated to ${state.escalation?.level}; escalate to a higher level`,
        );
      const notifySales = command.notifySales ?? false;
      if (notifySales && !state.accountId)
        refuse(
          caseRules.escalationNeedsAccount,
          'invalid',
          'notifySales needs a case opened with an accountId, so that its sales team is known',
        );
      return [
        {
          type: 'CaseEscalated',
          data: {
            caseId,
            agentId: command.agentId,
            level: command.level,
            reason: command.reason,
            notifySales,
            accountId: state.accountId,
            escalatedAt: at,
          },
        },
      ];
    }
    case 'ResolveCase':
      requireNotClosed(state);
      if (state.status === 'resolved')
        refuse(caseRules.alreadyResolved, 'conflict', `Case ${caseId} is already resolved`);
      return [
        {
          type: 'CaseResolved',
          data: {
            caseId,
            agentId: command.agentId,
            resolution: command.resolution,
            resolvedAt: at,
          },
        },
        {
          type: 'FollowUpScheduled',
          data: {
            caseId,
            followUpId: command.followUp.followUpId,
            reason: 'resolution',
            dueAt: command.followUp.dueAt,
            scheduledAt: at,
          },
        },
      ];
    case 'ConfirmResolution':
      requireNotClosed(state);
      if (state.status !== 'resolved' || state.resolution?.status !== 'pending')
        refuse(
          caseRules.resolutionNotPending,
          'conflict',
          `Case ${caseId} has no resolution waiting for the customer's answer`,
        );
      return [
        { type: 'ResolutionConfirmed', data: { caseId, note: command.note, confirmedAt: at } },
      ];
    case 'RejectResolution':
      requireNotClosed(state);
      if (state.status !== 'resolved' || state.resolution?.status !== 'pending')
        refuse(
          caseRules.resolutionNotPending,
          'conflict',
          `Case ${caseId} has no resolution waiting for the customer's answer`,
        );
      return [
        { type: 'ResolutionRejected', data: { caseId, reason: command.reason, rejectedAt: at } },
        {
          type: 'CaseReopened',
          data: { caseId, reason: `Resolution rejected: ${command.reason}`, reopenedAt: at },
        },
      ];
    case 'ReopenCase':
      if (state.status === 'open')
        refuse(
          caseRules.alreadyOpen,
          'conflict',
          `Case ${caseId} is open; only a resolved or closed case can be reopened`,
        );
      return [
        {
          type: 'CaseReopened',
          data: { caseId, agentId: command.agentId, reason: command.reason, reopenedAt: at },
        },
      ];
    case 'CloseCase':
      requireNotClosed(state);
      if (state.status === 'open' && !command.reason?.trim())
        refuse(
          caseRules.closureReasonRequired,
          'invalid',
          `Case ${caseId} is not resolved; closing it needs a reason`,
        );
      return [
        {
          type: 'CaseClosed',
          data: { caseId, agentId: command.agentId, reason: command.reason, closedAt: at },
        },
      ];
    case 'NoteCase':
      requireNotClosed(state);
      return [
        {
          type: 'CaseNoted',
          data: { caseId, agentId: command.agentId, note: command.note, notedAt: at },
        },
      ];
    case 'LinkCaseToIssue':
      // A link classifies the case, it does not work on it: closed cases are linked too, so
      // that their customers hear when the issue's fix ships.
      if (state.issueIds.includes(command.issueId))
        refuse(
          caseRules.alreadyLinked,
          'conflict',
          `Case ${caseId} is already linked to issue ${command.issueId}`,
        );
      return [
        { type: 'CaseLinkedToIssue', data: { caseId, issueId: command.issueId, linkedAt: at } },
      ];
    case 'CompleteFollowUp': {
      const followUp = state.followUps[command.followUpId];
      if (!followUp)
        refuse(
          caseRules.followUpNotScheduled,
          'invalid',
          `Follow-up ${command.followUpId} was never scheduled on case ${caseId}`,
        );
      if (followUp?.status === 'completed')
        refuse(
          caseRules.followUpAlreadyCompleted,
          'conflict',
          `Follow-up ${command.followUpId} is already completed`,
        );
      const completed: CaseEvent = {
        type: 'FollowUpCompleted',
        data: {
          caseId,
          followUpId: command.followUpId,
          outcome: command.outcome,
          csat: command.csat,
          note: command.note,
          completedAt: at,
        },
      };
      // "Not fixed" means the resolution did not hold: the case goes back to work.
      if (command.outcome === 'not_fixed' && state.status !== 'open')
        return [
          completed,
          {
            type: 'CaseReopened',
            data: {
              caseId,
              reason: 'Follow-up: the customer says it is not fixed',
              reopenedAt: at,
            },
          },
        ];
      return [completed];
    }
    default:
      return assertNever(command);
  }
};

const evolve = (state: CaseState, event: CaseEvent): CaseState => {
  const s = state; // every change below makes a new state: the fold never mutates one
  switch (event.type) {
    case 'CaseOpened': {
      const d = event.data;
      return {
        ...s,
        status: 'open',
        caseId: d.caseId,
        customerId: d.customerId,
        accountId: d.accountId,
        channel: d.channel,
        category: d.category,
        product: d.product,
        summary: d.summary,
        desiredOutcome: d.desiredOutcome,
        openedAt: d.openedAt,
        lastActivityAt: d.openedAt,
        holder: d.openedBy ? { agentId: d.openedBy } : {},
      };
    }
    case 'ContactLogged': {
      const d = event.data;
      const holder = s.holder.agentId || s.holder.team ? s.holder : { agentId: d.agentId };
      return { ...s, contacts: s.contacts + 1, holder, lastActivityAt: d.contactedAt };
    }
    case 'ApologyIssued': {
      const { caseId: _caseId, ...apology } = event.data;
      return { ...s, apologies: [...s.apologies, apology], lastActivityAt: apology.apologizedAt };
    }
    case 'CaseHandedOver': {
      const d = event.data;
      return {
        ...s,
        handovers: s.handovers + 1,
        holder: d.toAgentId ? { agentId: d.toAgentId } : { team: d.toTeam },
        lastHandover: {
          fromAgentId: d.fromAgentId,
          toAgentId: d.toAgentId,
          toTeam: d.toTeam,
          summary: d.summary,
          handedOverAt: d.handedOverAt,
        },
        lastActivityAt: d.handedOverAt,
      };
    }
    case 'DiagnosisRecorded': {
      const { caseId: _caseId, ...diagnosis } = event.data;
      return { ...s, diagnosis, lastActivityAt: diagnosis.diagnosedAt };
    }
    case 'FixProposed': {
      const d = event.data;
      return {
        ...s,
        fixes: {
          ...s.fixes,
          [d.fixId]: {
            fixId: d.fixId,
            kind: d.kind,
            description: d.description,
            status: 'proposed',
            proposedBy: d.agentId,
            proposedAt: d.proposedAt,
          },
        },
        lastActivityAt: d.proposedAt,
      };
    }
    case 'FixApplied': {
      const d = event.data;
      const fix = s.fixes[d.fixId];
      if (!fix) return s;
      return {
        ...s,
        fixes: {
          ...s.fixes,
          [d.fixId]: { ...fix, status: 'applied', appliedBy: d.agentId, appliedAt: d.appliedAt },
        },
        lastActivityAt: d.appliedAt,
      };
    }
    case 'CaseLinkedToIssue':
      return {
        ...s,
        issueIds: [...s.issueIds, event.data.issueId],
        lastActivityAt: event.data.linkedAt,
      };
    case 'CaseEscalated': {
      const d = event.data;
      return {
        ...s,
        escalation: { level: d.level, reason: d.reason, escalatedAt: d.escalatedAt },
        lastActivityAt: d.escalatedAt,
      };
    }
    case 'CaseResolved': {
      const d = event.data;
      return {
        ...s,
        status: 'resolved',
        resolution: {
          agentId: d.agentId,
          resolution: d.resolution,
          resolvedAt: d.resolvedAt,
          status: 'pending',
        },
        lastActivityAt: d.resolvedAt,
      };
    }
    case 'ResolutionConfirmed':
      return {
        ...s,
        resolution: s.resolution && { ...s.resolution, status: 'confirmed' },
        lastActivityAt: event.data.confirmedAt,
      };
    case 'ResolutionRejected':
      return {
        ...s,
        resolution: s.resolution && { ...s.resolution, status: 'rejected' },
        lastActivityAt: event.data.rejectedAt,
      };
    case 'CaseReopened':
      return {
        ...s,
        status: 'open',
        reopenCount: s.reopenCount + 1,
        closedAt: undefined,
        lastActivityAt: event.data.reopenedAt,
      };
    case 'FollowUpScheduled': {
      const d = event.data;
      return {
        ...s,
        followUps: {
          ...s.followUps,
          [d.followUpId]: { followUpId: d.followUpId, dueAt: d.dueAt, status: 'scheduled' },
        },
      };
    }
    case 'FollowUpCompleted': {
      const d = event.data;
      const followUp = s.followUps[d.followUpId];
      if (!followUp) return s;
      return {
        ...s,
        followUps: {
          ...s.followUps,
          [d.followUpId]: {
            ...followUp,
            status: 'completed',
            outcome: d.outcome,
            csat: d.csat,
            completedAt: d.completedAt,
          },
        },
        lastActivityAt: d.completedAt,
      };
    }
    case 'CaseNoted':
      return { ...s, lastActivityAt: event.data.notedAt };
    case 'CaseClosed':
      return {
        ...s,
        status: 'closed',
        closedAt: event.data.closedAt,
        lastActivityAt: event.data.closedAt,
      };
    default:
      return assertNever(event);
  }
};

export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  initialState: initialCaseState,
  evolve,
  decide,
};
