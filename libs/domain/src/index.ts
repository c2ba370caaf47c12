export { fold, assertNever } from './shared/decider';
export type { Decider } from './shared/decider';
export { DomainRuleViolation } from './shared/domain-error';
export { CURRENT_SCHEMA_VERSION } from './shared/metadata';
export type { Actor, EventMetadata } from './shared/metadata';
export {
  CHANNELS,
  DIRECTIONS,
  FAULTS,
  FIX_KINDS,
  ESCALATION_LEVELS,
  FOLLOW_UP_OUTCOMES,
  CHANGE_KINDS,
  streamIds,
} from './shared/vocabulary';
export type {
  Channel,
  Direction,
  Fault,
  FixKind,
  EscalationLevel,
  FollowUpOutcome,
  ChangeKind,
} from './shared/vocabulary';
export type { CaseCommand, SchedulerCommand } from './case/case.commands';
export { SCHEDULER_COMMANDS } from './case/case.commands';
export type { CaseEvent } from './case/case.events';
export type {
  CaseStatus,
  CaseHolder,
  CaseState,
  CasePromise,
  PromiseKeptBy,
  WaitingOn,
} from './case/case.state';
export { PROMISE_KEPT_BY, WAITING_ON } from './case/case.state';
export { caseRules, caseDecider, HEARD_ITSELF } from './case/case.decider';
export {
  WEEKDAYS,
  calendarProblems,
  durationMs,
  addBusinessTime,
  businessTimeBetween,
} from './sla/calendar';
export type { SlaCalendar, Weekday, FieldProblem } from './sla/calendar';
export {
  SLA_TARGETS,
  DEFAULT_WARN_AT,
  slaPolicyProblems,
  slaPolicyRules,
  choosePolicy,
  policyMatches,
} from './sla/sla-policy';
export type {
  SlaTarget,
  SlaMatch,
  SlaEscalationStep,
  SlaPolicyTerms,
  SlaPolicyVersion,
  SlaPolicyDefined,
  SlaCaseFacts,
  SlaPolicyCommand,
} from './sla/sla-policy';
export type { CaseSla, SlaClock, ClockStatus } from './sla/clocks';
export { deadlinesOf, deadlineKey, deadlineCommand } from './sla/deadlines';
export type { Deadline } from './sla/deadlines';
export { issueRules } from './issue/issue';
export type {
  IssueCommand,
  TrackerFeedCommand,
  TrackerLink,
  TrackerLinked,
  TrackerStateChanged,
} from './issue/issue';
export {
  parseTrackerUrl,
  ON_TRACKER_DONE,
  TRACKER_NAMES,
  TRACKER_URL_RULE,
  TRACKERS,
  trackerIssueName,
  trackerRelease,
  type OnTrackerDone,
  type Tracker,
  type TrackerIssue,
} from './issue/tracker';
export type { ChangeCommand } from './change/change';
export type { IncidentCommand } from './incident/incident';
export {
  BUILT_IN_KPI_DEFINITIONS,
  KPI_NAMES,
  kpiParameterNames,
  kpiRules,
} from './kpi/kpi-definition';
export type { KpiCommand, KpiDefined, KpiName, KpiParameters } from './kpi/kpi-definition';
export { targetOf, deciders } from './aggregates';
export type { DomainCommand, DomainEvent } from './aggregates';
export {
  ERASED,
  PERSONAL_FIELDS,
  personalFieldsOf,
  erasePersonalFields,
} from './customer/personal-data';
export type { CustomerErased } from './customer/personal-data';
export { accountDecider } from './account/account';
export type {
  AccountCommand,
  AccountDefined,
  AccountState,
  AccountTerms,
  AnnualRevenue,
} from './account/account';
