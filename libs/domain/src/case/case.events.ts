import type {
  Channel,
  Direction,
  EscalationLevel,
  Fault,
  FixKind,
  FollowUpOutcome,
} from '../shared/vocabulary';

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
  | CaseClosed;
