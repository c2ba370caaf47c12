import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import { ESCALATION_LEVELS } from '../shared/vocabulary';
import type { CaseCommand } from './case.commands';
import type { CaseEvent } from './case.events';
import {
  initialCaseState,
  type CasePromise,
  type CaseState,
  type PromiseKeptBy,
} from './case.state';
import {
  isCounting,
  markBreached,
  markMet,
  markWarned,
  nextEscalation,
  pauseClocks,
  resumeClocks,
  settlement,
  startClock,
  stopClocks,
} from '../sla/clocks';
import { SLA_TARGETS, type SlaTarget } from '../sla/sla-policy';
import { durationMs } from '../sla/calendar';

/** The actor id of what heard does on its own (the scheduler's breaches and escalations). */
export const HEARD_ITSELF = 'heard';

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
  alreadyWaiting: 'waiting.already_waiting',
  notWaiting: 'waiting.not_waiting',
  waitingNeedsOpenCase: 'waiting.case_not_open',
  promiseAlreadyMade: 'promise.already_made',
  promiseNotMade: 'promise.not_made',
  promiseNotOpen: 'promise.not_open',
  promiseDueNotAhead: 'promise.due_not_ahead',
  promisePastDue: 'promise.past_due',
  nothingDue: 'sla.nothing_due',
} as const;

/** The events that settle the counting clocks among `targets`: met, or breached if overdue. */
const settleClocks = (state: CaseState, targets: readonly SlaTarget[], at: string): CaseEvent[] =>
  targets.flatMap((target): CaseEvent[] => {
    const clock = state.sla?.targets[target];
    if (!isCounting(clock)) return [];
    const base = { caseId: state.caseId, target, cycle: clock.cycle, dueAt: clock.dueAt ?? at };
    const settled = settlement(clock, at);
    return settled.outcome === 'met'
      ? [{ type: 'SlaTargetMet', data: { ...base, metAt: settled.at } }]
      : [{ type: 'SlaTargetBreached', data: { ...base, breachedAt: settled.at } }];
  });

/** Open promises of a kind that an event at `at` keeps (or finds already broken). */
const settlePromises = (
  state: CaseState,
  by: PromiseKeptBy,
  at: string,
  agentId?: string,
): CaseEvent[] =>
  Object.values(state.promises)
    .filter((p) => p.status === 'open' && p.keptBy === by)
    .map((p): CaseEvent =>
      Date.parse(p.dueAt) < Date.parse(at)
        ? { type: 'PromiseBroken', data: brokenData(state.caseId, p) }
        : {
            type: 'PromiseKept',
            data: { caseId: state.caseId, promiseId: p.promiseId, by, agentId, keptAt: at },
          },
    );

const brokenData = (caseId: string, p: CasePromise) => ({
  caseId,
  promiseId: p.promiseId,
  agentId: p.agentId,
  dueAt: p.dueAt,
  brokenAt: p.dueAt,
});

const nothingDue = (message: string): never => refuse(caseRules.nothingDue, 'conflict', message);

const isDue = (dueAt: string | undefined, at: string) =>
  dueAt !== undefined && Date.parse(dueAt) <= Date.parse(at);

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
        ...(command.sla
          ? [
              {
                type: 'SlaPolicyApplied' as const,
                data: {
                  caseId,
                  policyId: command.sla.policyId,
                  version: command.sla.version,
                  name: command.sla.name,
                  calendar: command.sla.calendar,
                  targets: Object.fromEntries(
                    Object.entries(command.sla.targets).map(([name, duration]) => [
                      name,
                      { duration },
                    ]),
                  ),
                  warnAt: command.sla.warnAt,
                  escalation: command.sla.escalation,
                  appliedAt: at,
                },
              },
            ]
          : []),
      ];
    }
    case 'LogContact': {
      requireNotClosed(state);
      const inbound = command.direction === 'inbound';
      // The customer's answer ends a wait on them, before the contact starts a new clock.
      const ended: CaseEvent[] =
        inbound && state.waiting
          ? [{ type: 'WaitingEnded', data: { caseId, by: 'inbound_contact', endedAt: at } }]
          : [];
      const answered: CaseEvent[] = inbound
        ? []
        : [
            ...settleClocks(state, ['firstResponse', 'nextResponse'], at),
            ...settlePromises(state, 'outbound_contact', at, command.agentId),
          ];
      return [
        ...ended,
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
        ...answered,
      ];
    }
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
        ...settlePromises(state, 'fix_applied', at, command.agentId),
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
        // A resolution answers the customer too: it settles every clock still counting.
        ...settleClocks(state, SLA_TARGETS, at),
        ...settlePromises(state, 'resolution', at, command.agentId),
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
    case 'StartWaiting':
      if (state.status !== 'open')
        refuse(
          caseRules.waitingNeedsOpenCase,
          'conflict',
          `Case ${caseId} is ${state.status}; only an open case waits on someone`,
        );
      if (state.waiting)
        refuse(
          caseRules.alreadyWaiting,
          'conflict',
          `Case ${caseId} already waits on the ${state.waiting.on.replace('_', ' ')} since ${state.waiting.since}`,
        );
      return [
        {
          type: 'WaitingStarted',
          data: {
            caseId,
            agentId: command.agentId,
            on: command.on,
            reason: command.reason,
            startedAt: at,
          },
        },
      ];
    case 'EndWaiting':
      if (!state.waiting)
        refuse(caseRules.notWaiting, 'conflict', `Case ${caseId} is not waiting on anyone`);
      return [
        {
          type: 'WaitingEnded',
          data: { caseId, by: 'request', agentId: command.agentId, endedAt: at },
        },
      ];
    case 'MakePromise':
      requireNotClosed(state);
      if (state.promises[command.promiseId])
        refuse(
          caseRules.promiseAlreadyMade,
          'conflict',
          `Promise ${command.promiseId} was already made on case ${caseId}`,
        );
      if (Date.parse(command.dueAt) <= Date.parse(at))
        refuse(
          caseRules.promiseDueNotAhead,
          'invalid',
          `dueAt (${command.dueAt}) must be after the promise is made (${at})`,
        );
      return [
        {
          type: 'PromiseMade',
          data: {
            caseId,
            promiseId: command.promiseId,
            agentId: command.agentId,
            promise: command.promise,
            dueAt: new Date(command.dueAt).toISOString(),
            keptBy: command.keptBy,
            madeAt: at,
          },
        },
      ];
    case 'KeepPromise': {
      const promise = state.promises[command.promiseId];
      if (!promise)
        refuse(
          caseRules.promiseNotMade,
          'not_found',
          `Promise ${command.promiseId} was never made on case ${caseId}`,
        );
      if (promise!.status !== 'open')
        refuse(
          caseRules.promiseNotOpen,
          'conflict',
          `Promise ${command.promiseId} is already ${promise!.status}`,
        );
      if (Date.parse(promise!.dueAt) < Date.parse(at))
        refuse(
          caseRules.promisePastDue,
          'conflict',
          `Promise ${command.promiseId} was due at ${promise!.dueAt}: it is broken, not kept`,
        );
      return [
        {
          type: 'PromiseKept',
          data: {
            caseId,
            promiseId: command.promiseId,
            by: 'manual',
            agentId: command.agentId,
            keptAt: at,
          },
        },
      ];
    }
    case 'RecordSlaWarning': {
      const clock = state.sla?.targets[command.target];
      if (clock?.cycle !== command.cycle || clock.status !== 'running' || clock.warned)
        return nothingDue(
          `No ${command.target} clock of cycle ${command.cycle} is running unwarned`,
        );
      if (!isDue(clock.warnAt, at)) return nothingDue(`The warning is due at ${clock.warnAt}`);
      // Too late to warn: the breach is due, and it is what gets recorded.
      if (isDue(clock.dueAt, at)) return nothingDue(`The target itself is due (${clock.dueAt})`);
      return [
        {
          type: 'SlaWarningReached',
          data: {
            caseId,
            target: command.target,
            cycle: clock.cycle,
            dueAt: clock.dueAt!,
            warnedAt: clock.warnAt!,
          },
        },
      ];
    }
    case 'RecordSlaBreach': {
      const clock = state.sla?.targets[command.target];
      if (clock?.cycle !== command.cycle || clock.status !== 'running')
        return nothingDue(`No ${command.target} clock of cycle ${command.cycle} is running`);
      if (!isDue(clock.dueAt, at)) return nothingDue(`It is due at ${clock.dueAt}`);
      return [
        {
          type: 'SlaTargetBreached',
          data: {
            caseId,
            target: command.target,
            cycle: clock.cycle,
            dueAt: clock.dueAt!,
            breachedAt: clock.dueAt!,
          },
        },
      ];
    }
    case 'EscalateForSla': {
      const sla = state.sla;
      const clock = sla?.targets[command.target];
      if (!sla || clock?.cycle !== command.cycle || state.status !== 'open' || state.waiting)
        return nothingDue(
          `Case ${caseId} has no breached ${command.target} clock of cycle ${command.cycle} to escalate while open and not waiting`,
        );
      const next = nextEscalation(sla, clock, state.escalation?.level);
      if (!next || next.step.level !== command.level || !isDue(next.dueAt, at))
        return nothingDue(`No escalation to ${command.level} is due on case ${caseId}`);
      return [
        {
          type: 'CaseEscalated',
          data: {
            caseId,
            agentId: HEARD_ITSELF,
            level: command.level,
            reason: `${command.target} breached at ${clock.breachedAt} under SLA policy ${sla.name} (${sla.policyId} v${sla.version})`,
            notifySales: next.step.notifySales && !!state.accountId,
            accountId: state.accountId,
            escalatedAt: at,
            sla: {
              target: command.target,
              cycle: command.cycle,
              policyId: sla.policyId,
              version: sla.version,
            },
          },
        },
      ];
    }
    case 'RecordPromiseBroken': {
      const promise = state.promises[command.promiseId];
      if (promise?.status !== 'open' || !isDue(promise.dueAt, at))
        return nothingDue(`Promise ${command.promiseId} is not open and due`);
      return [{ type: 'PromiseBroken', data: brokenData(caseId, promise) }];
    }
    default:
      return assertNever(command);
  }
};

const settlePromise = (
  s: CaseState,
  promiseId: string,
  settled: Pick<CasePromise, 'status' | 'keptAt' | 'brokenAt'>,
): CaseState => {
  const promise = s.promises[promiseId];
  return promise
    ? { ...s, promises: { ...s.promises, [promiseId]: { ...promise, ...settled } } }
    : s;
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
      // Each inbound contact after the first answer starts the next-response clock.
      const startsNext =
        d.direction === 'inbound' &&
        s.status === 'open' &&
        s.sla &&
        !isCounting(s.sla.targets.firstResponse) &&
        !isCounting(s.sla.targets.nextResponse);
      return {
        ...s,
        contacts: s.contacts + 1,
        holder,
        lastActivityAt: d.contactedAt,
        sla: startsNext ? startClock(s.sla!, 'nextResponse', d.contactedAt, !!s.waiting) : s.sla,
      };
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
        waiting: undefined,
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
        sla: s.sla && startClock(s.sla, 'resolution', event.data.reopenedAt, false),
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
        sla: s.sla && stopClocks(s.sla, event.data.closedAt),
        waiting: undefined,
        status: 'closed',
        closedAt: event.data.closedAt,
        lastActivityAt: event.data.closedAt,
      };
    case 'SlaPolicyApplied': {
      const d = event.data;
      const sla = {
        policyId: d.policyId,
        version: d.version,
        name: d.name,
        calendar: d.calendar,
        durations: Object.fromEntries(
          Object.entries(d.targets).map(([name, t]) => [name, durationMs(t.duration) ?? 0]),
        ),
        warnAt: d.warnAt,
        escalation: d.escalation,
        targets: {},
      };
      return {
        ...s,
        sla: startClock(
          startClock(sla, 'firstResponse', d.appliedAt, false),
          'resolution',
          d.appliedAt,
          false,
        ),
      };
    }
    case 'SlaWarningReached':
      return { ...s, sla: s.sla && markWarned(s.sla, event.data.target) };
    case 'SlaTargetMet':
      return { ...s, sla: s.sla && markMet(s.sla, event.data.target, event.data.metAt) };
    case 'SlaTargetBreached':
      return {
        ...s,
        sla: s.sla && markBreached(s.sla, event.data.target, event.data.breachedAt),
      };
    case 'WaitingStarted': {
      const d = event.data;
      return {
        ...s,
        waiting: { on: d.on, reason: d.reason, since: d.startedAt },
        sla: s.sla && pauseClocks(s.sla, d.startedAt),
        lastActivityAt: d.startedAt,
      };
    }
    case 'WaitingEnded':
      return {
        ...s,
        waiting: undefined,
        sla: s.sla && resumeClocks(s.sla, event.data.endedAt),
      };
    case 'PromiseMade': {
      const { caseId: _caseId, madeAt, ...made } = event.data;
      return {
        ...s,
        promises: { ...s.promises, [made.promiseId]: { ...made, madeAt, status: 'open' } },
        lastActivityAt: madeAt,
      };
    }
    case 'PromiseKept':
      return settlePromise(s, event.data.promiseId, { status: 'kept', keptAt: event.data.keptAt });
    case 'PromiseBroken':
      return settlePromise(s, event.data.promiseId, {
        status: 'broken',
        brokenAt: event.data.brokenAt,
      });
    default:
      return assertNever(event);
  }
};

export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState> = {
  initialState: initialCaseState,
  evolve,
  decide,
};
