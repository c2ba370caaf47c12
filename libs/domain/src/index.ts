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
export type { CaseCommand } from './case/case.commands';
export type { CaseEvent } from './case/case.events';
export type { CaseStatus, CaseHolder, CaseState } from './case/case.state';
export { caseRules, caseDecider } from './case/case.decider';
export { issueRules } from './issue/issue';
export type { IssueCommand } from './issue/issue';
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
