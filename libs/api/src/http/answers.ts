import type { CommandReceipt, ErrorBody } from '@heard/commands';
import type { AccountDefined, EventMetadata } from '@heard/domain';
import type { HealthReport } from '@heard/ops';
import type {
  AnnouncedChange,
  CandidateIssuesReport,
  CaseView,
  ChangeImpact,
  CustomerMatch,
  FollowUpPage,
  GroupCustomer,
  KpiDefinitionVersion,
  KpiReport,
  OwnerAlerts,
  RecurringIssuesReport,
  RevenueAtStake,
  SlaFigures,
  SlaPolicyList,
  SlaReport,
  TimelinePage,
  TrackerLinkView,
} from '@heard/projections';
import type { StoredOutboundMessage } from '@heard/read-store';
import type { AccessRole, ApiKeyRecord, Principal } from '@heard/security';
import type { WebhookAnswer } from '@heard/trackers';

/**
 * What heard's routes answer, by name. Each route declares its answer with `@Answers(name)`
 * and returns this type, so the compiler holds the route to it; `npm run docs:tables`
 * generates the JSON schemas of the OpenAPI document from this file
 * (`answer-schemas.generated.json`), and the web app's types from that document.
 */
export interface HeardAnswers {
  /** A write's answer: the ids, the stream, and the position to read one's own write. */
  CommandAnswer: Omit<CommandReceipt, 'replayed'>;
  /** results[i] answers commands[i]. */
  Batch: BatchAnswer;
  /** A case as it stands, or as it stood at `asOf`. */
  Case: CaseAnswer;
  CaseAuditTrail: CaseAuditTrail;
  CustomerSearch: CustomerSearch;
  Timeline: TimelinePage;
  FollowUps: FollowUpPage;
  FixNoticeAudience: FixNoticeAudience;
  Messages: MessagesPage;
  RecurringIssues: RecurringIssuesReport;
  RecurringIssueCustomers: RecurringIssueCustomers;
  CandidateIssues: CandidateIssuesReport;
  CandidateAcceptance: CandidateAcceptance;
  Changes: ChangesList;
  ChangeImpact: ChangeImpact;
  /** The outcome KPIs, and the SLA's: attainment and promises kept per team, agent and policy version. */
  Kpis: KpiReport & { sla: SlaFigures };
  /** Every version of every KPI's definition; `current` marks those the report reads by default. */
  KpiDefinitions: { definitions: Array<KpiDefinitionVersion & { current: boolean }> };
  /** Every SLA policy at its latest version, with the versions before it. */
  SlaPolicies: SlaPolicyList;
  /** Clocks at risk or breached on open cases, soonest first; attainment and promises kept. */
  SlaReport: SlaReport;
  /** An account's latest version (or the one in force at `asOf`), and how many versions there were. */
  Account: AccountDefined['data'] & { versions: number };
  OwnerAlerts: OwnerAlerts;
  /** A tracker's delivery taken: what it said, and what heard recorded on each linked issue. */
  WebhookDelivery: Omit<Extract<WebhookAnswer, { status: 'taken' }>, 'status'>;
  ApiKey: ApiKeyShown;
  ApiKeyMade: ApiKeyShown & { secret: string };
  ApiKeys: { keys: ApiKeyShown[] };
  Me: Me;
  Health: HealthReport;
  Erasure: ErasureReport;
}

export type AnswerName = keyof HeardAnswers;

/** One command of a batch: 201 and its receipt, or its error status and body. */
export interface BatchItemAnswer {
  index: number;
  status: number;
  body: CommandReceipt | ErrorBody;
}

export interface BatchAnswer {
  accepted: number;
  failed: number;
  results: BatchItemAnswer[];
}

export interface CaseAnswer extends CaseView {
  /** Set when the case was folded as it stood at that moment. */
  asOf?: string;
}

/** An event of a case as the store recorded it, with its metadata. */
export interface AuditedEvent extends Omit<EventMetadata, 'aggregateType' | 'aggregateId'> {
  revision: number;
  position: string;
  type: string;
  data: unknown;
}

export interface CaseAuditTrail {
  caseId: string;
  events: AuditedEvent[];
}

export interface CustomerSearch {
  search: string;
  customers: CustomerMatch[];
}

export interface FixNoticeAudience {
  issueId: string;
  customers: number;
  cases: number;
  /** The accounts of its cases, their tiers, and their annual revenue per currency. */
  accounts: string[];
  tiers: string[];
  revenueAtStake: RevenueAtStake;
  /** A linked tracker issue closed as done: the fix waits for one click, with this release. */
  fixAwaiting: { linkId: string; release: string } | null;
  trackerLinks: TrackerLinkView[];
}

export interface MessagesPage {
  messages: StoredOutboundMessage[];
  /** `after` for the next page; null on the last. */
  next: number | null;
}

export interface RecurringIssueCustomers {
  group: string;
  from?: string;
  to?: string;
  customers: GroupCustomer[];
}

export interface CandidateAcceptance {
  candidateId: string;
  issueId: string;
  created: boolean;
  linked: string[];
  alreadyLinked: string[];
  notFound: string[];
  position?: string;
}

export interface ChangesList {
  changes: AnnouncedChange[];
}

/** A key as admins see it: everything but its secret's digest. */
export type ApiKeyShown = ApiKeyRecord;

export interface Me {
  id: string;
  roles: readonly AccessRole[];
  credential: Principal['credential'];
  seesCustomerIds: boolean;
}

export interface ErasureReport {
  customerId: string;
  erasedAt: string;
  /** Cases of the customer found in the read models. */
  cases: number;
  messagesRewritten: number;
  /** false: the read models had not applied the erasure within 30 s; they will. */
  readModelsForgotten: boolean;
  position: string;
}
