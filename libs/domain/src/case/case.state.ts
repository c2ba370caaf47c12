import type {
  Channel,
  EscalationLevel,
  Fault,
  FixKind,
  FollowUpOutcome,
} from '../shared/vocabulary';
import type { CaseSla } from '../sla/clocks';

export type CaseStatus = 'none' | 'open' | 'resolved' | 'closed';

export interface CaseFix {
  fixId: string;
  kind: FixKind;
  description: string;
  status: 'proposed' | 'applied';
  proposedBy: string;
  proposedAt: string;
  appliedBy?: string;
  appliedAt?: string;
}

export interface CaseFollowUp {
  followUpId: string;
  dueAt: string;
  status: 'scheduled' | 'completed';
  outcome?: FollowUpOutcome;
  csat?: number;
  completedAt?: string;
}

export interface CaseApology {
  agentId: string;
  fault: Fault;
  statement: string;
  thirdParty?: string;
  apologizedAt: string;
}

/** Who holds the case now: the agent or team that the customer is talking to. */
export interface CaseHolder {
  agentId?: string;
  team?: string;
}

export const WAITING_ON = ['customer', 'third_party'] as const;
export type WaitingOn = (typeof WAITING_ON)[number];

/** What keeps a promise: the kind of event that happens before its due time, or a word that it was. */
export const PROMISE_KEPT_BY = ['outbound_contact', 'fix_applied', 'resolution', 'manual'] as const;
export type PromiseKeptBy = (typeof PROMISE_KEPT_BY)[number];

export interface CasePromise {
  promiseId: string;
  agentId: string;
  promise: string;
  dueAt: string;
  keptBy: PromiseKeptBy;
  status: 'open' | 'kept' | 'broken';
  madeAt: string;
  keptAt?: string;
  brokenAt?: string;
}

export interface CaseState {
  status: CaseStatus;
  caseId: string;
  customerId: string;
  accountId?: string;
  channel?: Channel;
  category: string;
  product?: string;
  summary: string;
  desiredOutcome?: string;
  openedAt?: string;
  lastActivityAt?: string;
  holder: CaseHolder;
  contacts: number;
  apologies: CaseApology[];
  handovers: number;
  lastHandover?: {
    fromAgentId: string;
    toAgentId?: string;
    toTeam?: string;
    summary: string;
    handedOverAt: string;
  };
  diagnosis?: {
    agentId: string;
    symptoms: string;
    rootCause?: string;
    desiredOutcome: string;
    diagnosedAt: string;
  };
  fixes: Record<string, CaseFix>;
  escalation?: { level: EscalationLevel; reason: string; escalatedAt: string };
  issueIds: string[];
  resolution?: {
    agentId: string;
    resolution: string;
    resolvedAt: string;
    status: 'pending' | 'confirmed' | 'rejected';
  };
  followUps: Record<string, CaseFollowUp>;
  reopenCount: number;
  closedAt?: string;
  /** The SLA the case is held to and its clocks; absent when no policy matched. */
  sla?: CaseSla;
  /** Set while the case waits on the customer or a third party: the clocks are paused. */
  waiting?: { on: WaitingOn; reason: string; since: string };
  promises: Record<string, CasePromise>;
}

export const initialCaseState = (): CaseState => ({
  status: 'none',
  caseId: '',
  customerId: '',
  category: '',
  summary: '',
  holder: {},
  contacts: 0,
  apologies: [],
  handovers: 0,
  fixes: {},
  issueIds: [],
  followUps: {},
  reopenCount: 0,
  promises: {},
});
