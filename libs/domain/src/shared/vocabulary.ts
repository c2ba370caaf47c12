export const CHANNELS = ['phone', 'email', 'chat', 'social', 'web', 'in_person', 'ivr'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DIRECTIONS = ['inbound', 'outbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const FAULTS = ['ours', 'third_party', 'customer', 'unknown'] as const;
export type Fault = (typeof FAULTS)[number];

export const FIX_KINDS = [
  'refund',
  'replacement',
  'repair',
  'workaround',
  'credit',
  'product_fix',
  'policy_exception',
  'other',
] as const;
export type FixKind = (typeof FIX_KINDS)[number];

export const ESCALATION_LEVELS = ['team', 'manager', 'executive'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export const FOLLOW_UP_OUTCOMES = ['satisfied', 'not_fixed', 'no_answer'] as const;
export type FollowUpOutcome = (typeof FOLLOW_UP_OUTCOMES)[number];

export const CHANGE_KINDS = ['ivr', 'release', 'pricing', 'policy', 'process', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Stream ids carry a category prefix and a dash, as EventStoreDB groups streams by it. */
export const streamIds = {
  case: (caseId: string) => `case-${caseId}`,
  issue: (issueId: string) => `issue-${issueId}`,
  change: (changeId: string) => `change-${changeId}`,
  incident: (incidentId: string) => `incident-${incidentId}`,
  /** The versions of an outcome KPI's definition. */
  kpi: (kpi: string) => `kpi-${kpi}`,
  /** The versions of an SLA policy. */
  slaPolicy: (policyId: string) => `sla_policy-${policyId}`,
  /** The versions of what heard knows of an account. */
  account: (accountId: string) => `account-${accountId}`,
  /** Where a customer's erasure is recorded. */
  customer: (customerId: string) => `customer-${customerId}`,
};
