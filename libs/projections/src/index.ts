import {
  accountAlertsProjection,
  type AccountAlertRule,
  DEFAULT_ACCOUNT_ALERT_RULE,
} from './account-alerts/account-alerts.projection';
import { caseViewProjection } from './case-view/case-view.projection';
import { changeImpactProjection } from './change-impact/change-impact.projection';
import { followUpsProjection } from './follow-ups/follow-ups.projection';
import { kpisProjection } from './kpis/kpis.projection';
import type { Projection } from './projection';
import { recurringIssuesProjection } from './recurring-issues/recurring-issues.projection';
import { DEFAULT_SPIKE_RULE, type SpikeRule } from './recurring-issues/spike-rule';
import { timelineProjection } from './timeline/timeline.projection';
import { slaProjection } from './sla/sla.projection';
export { slaProjection } from './sla/sla.projection';
export {
  dueDeadlines,
  listSlaPolicies,
  SlaPolicyCatalog,
  slaFigures,
  slaReport,
  SLA_REPORT_STATES,
} from './sla/sla.queries';
export type { SlaFigures, SlaPolicyList, SlaReport, DueDeadline } from './sla/sla.queries';
export type { Projection } from './projection';
export { ProjectionRunner } from './projection-runner';
export { BuildTables } from './blue-green';
export type { RebuildProgress, RunnerLogger } from './projection-runner';
export { findCaseView, findCustomers } from './case-view/case-view.projection';
export { decodeCursor, readTimeline, TIMELINE_ORDERS } from './timeline/timeline.projection';
export type { TimelineCursor, TimelineOrder } from './timeline/timeline.projection';
export { followUpsProjection } from './follow-ups/follow-ups.projection';
export {
  FOLLOW_UP_STATUSES,
  decodeFollowUpCursor,
  readFollowUps,
  enqueueDueFollowUps,
  readFixNoticeAudience,
} from './follow-ups/follow-ups.queries';
export { FollowUpScheduler } from './follow-ups/follow-up-scheduler';
export { DEFAULT_SPIKE_RULE } from './recurring-issues/spike-rule';
export { recurringIssuesProjection } from './recurring-issues/recurring-issues.projection';
export {
  RECURRING_SORTS,
  RECURRING_STATUSES,
  readRecurringIssues,
  readGroupCustomers,
  fixAwaitingOf,
  readIssueDemand,
  readTrackerLinks,
} from './recurring-issues/recurring-issues.queries';
export { DEFAULT_CANDIDATE_OPTIONS, findCandidateIssues } from './recurring-issues/candidates';
export type {
  CandidateOptions,
  CandidateIssue,
  CandidateIssuesReport,
} from './recurring-issues/candidates';
export {
  changeImpactProjection,
  readChangeImpact,
  readChanges,
} from './change-impact/change-impact.projection';
export {
  kpiDefinitionsFor,
  kpisProjection,
  KPI_DIMENSIONS,
  readKpiDefinitions,
  readKpis,
  UnknownKpiDefinition,
} from './kpis/kpis.projection';
export { accountAlertsProjection } from './account-alerts/account-alerts.projection';
export { readOwnerAlerts, type OwnerAlerts } from './account-alerts/account-alerts.queries';
/** The rules some projections decide by; they come from config. */
export interface ProjectionRules {
  spike: SpikeRule;
  accountAlerts: AccountAlertRule;
}
export const DEFAULT_PROJECTION_RULES: ProjectionRules = {
  spike: DEFAULT_SPIKE_RULE,
  accountAlerts: DEFAULT_ACCOUNT_ALERT_RULE,
};
/** The rules from heard's config (HEARD_SPIKE_*, HEARD_ACCOUNT_ALERT_OPEN_CASES, HEARD_KEY_ACCOUNT_TIERS). */
export const projectionRules = (config: {
  spikeRule: SpikeRule;
  accountAlertOpenCases: number;
  keyAccountTiers?: readonly string[];
}): ProjectionRules => ({
  spike: config.spikeRule,
  accountAlerts: {
    openCasesThreshold: config.accountAlertOpenCases,
    keyTiers: config.keyAccountTiers ?? [],
  },
});
export const defaultProjections = (
  rules: ProjectionRules = DEFAULT_PROJECTION_RULES,
): Projection[] => [
  caseViewProjection,
  timelineProjection,
  followUpsProjection,
  recurringIssuesProjection(rules.spike),
  changeImpactProjection,
  kpisProjection,
  accountAlertsProjection(rules.accountAlerts),
  slaProjection,
];
/** What the query routes answer (their OpenAPI schemas are generated from these). */
export type { CaseView, CustomerMatch } from './case-view/case-view.projection';
export type { TimelinePage } from './timeline/timeline.projection';
export type { FollowUpPage } from './follow-ups/follow-ups.queries';
export type {
  RecurringIssuesReport,
  GroupCustomer,
  RevenueAtStake,
  TrackerLinkView,
} from './recurring-issues/recurring-issues.queries';
export type { ChangeImpact, AnnouncedChange } from './change-impact/change-impact.projection';
export type { KpiDefinitionVersion, KpiReport } from './kpis/kpis.projection';
