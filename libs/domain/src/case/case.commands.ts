import type {
  Channel,
  Direction,
  EscalationLevel,
  Fault,
  FixKind,
  FollowUpOutcome,
} from '../shared/vocabulary';
import type { SlaPolicyVersion, SlaTarget } from '../sla/sla-policy';
import type { PromiseKeptBy, WaitingOn } from './case.state';

/** `at` is the business time of the command, given from outside (never read from a clock here). */
type Cmd<T extends string, D> = { type: T; caseId: string; at: string } & D;

export type OpenCase = Cmd<
  'OpenCase',
  {
    customerId: string;
    accountId?: string;
    channel: Channel;
    category: string;
    product?: string;
    summary: string;
    desiredOutcome?: string;
    openedBy?: string;
    /** The SLA policy that matched (the write path looks it up): the case is held to it. */
    sla?: SlaPolicyVersion;
  }
>;
export type LogContact = Cmd<
  'LogContact',
  {
    contactId: string;
    channel: Channel;
    direction: Direction;
    agentId: string;
    note: string;
    reason?: string;
  }
>;
export type IssueApology = Cmd<
  'IssueApology',
  { agentId: string; fault: Fault; statement: string; thirdParty?: string }
>;
export type HandOverCase = Cmd<
  'HandOverCase',
  { fromAgentId: string; toAgentId?: string; toTeam?: string; summary?: string; reason?: string }
>;
export type RecordDiagnosis = Cmd<
  'RecordDiagnosis',
  { agentId: string; symptoms: string; rootCause?: string; desiredOutcome: string }
>;
export type ProposeFix = Cmd<
  'ProposeFix',
  { fixId: string; agentId: string; kind: FixKind; description: string }
>;
export type ApplyFix = Cmd<'ApplyFix', { fixId: string; agentId: string; note?: string }>;
export type EscalateCase = Cmd<
  'EscalateCase',
  { agentId: string; level: EscalationLevel; reason: string; notifySales?: boolean }
>;
/** The follow-up id and due time are chosen by the caller (config decides the delay). */
export type ResolveCase = Cmd<
  'ResolveCase',
  { agentId: string; resolution: string; followUp: { followUpId: string; dueAt: string } }
>;
export type ConfirmResolution = Cmd<'ConfirmResolution', { note?: string }>;
export type RejectResolution = Cmd<'RejectResolution', { reason: string }>;
export type ReopenCase = Cmd<'ReopenCase', { agentId: string; reason: string }>;
export type CloseCase = Cmd<'CloseCase', { agentId: string; reason?: string }>;
export type LinkCaseToIssue = Cmd<'LinkCaseToIssue', { issueId: string }>;
/** An agent's note on the case for colleagues: what the customer need not be told. */
export type NoteCase = Cmd<'NoteCase', { agentId: string; note: string }>;
export type CompleteFollowUp = Cmd<
  'CompleteFollowUp',
  { followUpId: string; outcome: FollowUpOutcome; csat?: number; note?: string }
>;

export type StartWaiting = Cmd<'StartWaiting', { agentId: string; on: WaitingOn; reason: string }>;
export type EndWaiting = Cmd<'EndWaiting', { agentId: string }>;
export type MakePromise = Cmd<
  'MakePromise',
  { promiseId: string; agentId: string; promise: string; dueAt: string; keptBy: PromiseKeptBy }
>;
export type KeepPromise = Cmd<'KeepPromise', { promiseId: string; agentId: string }>;

/** What heard's scheduler sends when a due time passes: checked again against the case here. */
export type RecordSlaWarning = Cmd<'RecordSlaWarning', { target: SlaTarget; cycle: number }>;
export type RecordSlaBreach = Cmd<'RecordSlaBreach', { target: SlaTarget; cycle: number }>;
export type EscalateForSla = Cmd<
  'EscalateForSla',
  { target: SlaTarget; cycle: number; level: EscalationLevel }
>;
export type RecordPromiseBroken = Cmd<'RecordPromiseBroken', { promiseId: string }>;
export type SchedulerCommand =
  RecordSlaWarning | RecordSlaBreach | EscalateForSla | RecordPromiseBroken;
export const SCHEDULER_COMMANDS = [
  'RecordSlaWarning',
  'RecordSlaBreach',
  'EscalateForSla',
  'RecordPromiseBroken',
] as const satisfies readonly SchedulerCommand['type'][];

export type CaseCommand =
  | OpenCase
  | LogContact
  | IssueApology
  | HandOverCase
  | RecordDiagnosis
  | ProposeFix
  | ApplyFix
  | EscalateCase
  | ResolveCase
  | ConfirmResolution
  | RejectResolution
  | ReopenCase
  | CloseCase
  | LinkCaseToIssue
  | NoteCase
  | CompleteFollowUp
  | StartWaiting
  | EndWaiting
  | MakePromise
  | KeepPromise
  | SchedulerCommand;
