import type {
  Channel,
  Direction,
  EscalationLevel,
  Fault,
  FixKind,
  FollowUpOutcome,
} from '../shared/vocabulary';
import type { SlaCalendar } from '../sla/calendar';
import type { SlaEscalationStep, SlaTarget } from '../sla/sla-policy';
import type { PromiseKeptBy, WaitingOn } from './case.state';

type Ev<T extends string, D> = { type: T; data: D };

export type CaseOpened = Ev<
  'CaseOpened',
  {
    caseId: string;
    customerId: string;
    accountId?: string;
    channel: Channel;
    category: string;
    product?: string;
    summary: string;
    desiredOutcome?: string;
    openedBy?: string;
    openedAt: string;
  }
>;
export type ContactLogged = Ev<
  'ContactLogged',
  {
    caseId: string;
    contactId: string;
    channel: Channel;
    direction: Direction;
    agentId: string;
    note: string;
    reason?: string;
    contactedAt: string;
  }
>;
export type ApologyIssued = Ev<
  'ApologyIssued',
  {
    caseId: string;
    agentId: string;
    fault: Fault;
    statement: string;
    thirdParty?: string;
    apologizedAt: string;
  }
>;
export type CaseHandedOver = Ev<
  'CaseHandedOver',
  {
    caseId: string;
    fromAgentId: string;
    toAgentId?: string;
    toTeam?: string;
    summary: string;
    reason?: string;
    handedOverAt: string;
  }
>;
export type DiagnosisRecorded = Ev<
  'DiagnosisRecorded',
  {
    caseId: string;
    agentId: string;
    symptoms: string;
    rootCause?: string;
    desiredOutcome: string;
    diagnosedAt: string;
  }
>;
export type FixProposed = Ev<
  'FixProposed',
  {
    caseId: string;
    fixId: string;
    agentId: string;
    kind: FixKind;
    description: string;
    proposedAt: string;
  }
>;
export type FixApplied = Ev<
  'FixApplied',
  { caseId: string; fixId: string; agentId: string; note?: string; appliedAt: string }
>;
export type CaseLinkedToIssue = Ev<
  'CaseLinkedToIssue',
  { caseId: string; issueId: string; linkedAt: string }
>;
export type CaseEscalated = Ev<
  'CaseEscalated',
  {
    caseId: string;
    agentId: string;
    level: EscalationLevel;
    reason: string;
    notifySales: boolean;
    accountId?: string;
    escalatedAt: string;
    /** Set when heard escalated on its own: the breached target and the policy's version. */
    sla?: { target: SlaTarget; cycle: number; policyId: string; version: number };
  }
>;
export type CaseResolved = Ev<
  'CaseResolved',
  { caseId: string; agentId: string; resolution: string; resolvedAt: string }
>;
export type ResolutionConfirmed = Ev<
  'ResolutionConfirmed',
  { caseId: string; note?: string; confirmedAt: string }
>;
export type ResolutionRejected = Ev<
  'ResolutionRejected',
  { caseId: string; reason: string; rejectedAt: string }
>;
export type CaseReopened = Ev<
  'CaseReopened',
  { caseId: string; agentId?: string; reason: string; reopenedAt: string }
>;
export type FollowUpScheduled = Ev<
  'FollowUpScheduled',
  { caseId: string; followUpId: string; reason: 'resolution'; dueAt: string; scheduledAt: string }
>;
export type FollowUpCompleted = Ev<
  'FollowUpCompleted',
  {
    caseId: string;
    followUpId: string;
    outcome: FollowUpOutcome;
    csat?: number;
    note?: string;
    completedAt: string;
  }
>;
export type CaseClosed = Ev<
  'CaseClosed',
  { caseId: string; agentId: string; reason?: string; closedAt: string }
>;

export type CaseNoted = Ev<
  'CaseNoted',
  { caseId: string; agentId: string; note: string; notedAt: string }
>;

/** The SLA policy version that matched when the case opened: its clocks start with it. */
export type SlaPolicyApplied = Ev<
  'SlaPolicyApplied',
  {
    caseId: string;
    policyId: string;
    version: number;
    name: string;
    calendar: SlaCalendar;
    /** Each an ISO 8601 duration of business time (an object: `resolution` alone names personal text). */
    targets: Partial<Record<SlaTarget, { duration: string }>>;
    warnAt: number;
    escalation: SlaEscalationStep[];
    appliedAt: string;
  }
>;
type ClockData<At extends string> = {
  caseId: string;
  target: SlaTarget;
  cycle: number;
  dueAt: string;
} & {
  [K in At]: string;
};
export type SlaWarningReached = Ev<'SlaWarningReached', ClockData<'warnedAt'>>;
export type SlaTargetMet = Ev<'SlaTargetMet', ClockData<'metAt'>>;
/** `breachedAt` is the due time that passed, whenever it was recorded. */
export type SlaTargetBreached = Ev<'SlaTargetBreached', ClockData<'breachedAt'>>;
export type WaitingStarted = Ev<
  'WaitingStarted',
  { caseId: string; agentId: string; on: WaitingOn; reason: string; startedAt: string }
>;
export type WaitingEnded = Ev<
  'WaitingEnded',
  {
    caseId: string;
    by: 'inbound_contact' | 'request';
    agentId?: string;
    endedAt: string;
  }
>;
export type PromiseMade = Ev<
  'PromiseMade',
  {
    caseId: string;
    promiseId: string;
    agentId: string;
    /** The words said to the customer: personal data, sealed. */
    promise: string;
    dueAt: string;
    keptBy: PromiseKeptBy;
    madeAt: string;
  }
>;
export type PromiseKept = Ev<
  'PromiseKept',
  { caseId: string; promiseId: string; by: PromiseKeptBy; agentId?: string; keptAt: string }
>;
/** `brokenAt` is the due time that passed first. */
export type PromiseBroken = Ev<
  'PromiseBroken',
  { caseId: string; promiseId: string; agentId: string; dueAt: string; brokenAt: string }
>;

export type CaseEvent =
  | CaseOpened
  | ContactLogged
  | ApologyIssued
  | CaseHandedOver
  | DiagnosisRecorded
  | FixProposed
  | FixApplied
  | CaseLinkedToIssue
  | CaseEscalated
  | CaseResolved
  | ResolutionConfirmed
  | ResolutionRejected
  | CaseReopened
  | FollowUpScheduled
  | FollowUpCompleted
  | CaseNoted
  | CaseClosed
  | SlaPolicyApplied
  | SlaWarningReached
  | SlaTargetMet
  | SlaTargetBreached
  | WaitingStarted
  | WaitingEnded
  | PromiseMade
  | PromiseKept
  | PromiseBroken;
