import type {
  CaseEvent,
  CaseHolder,
  CaseStatus,
  EscalationLevel,
  Fault,
  FixKind,
} from '@heard/domain';

interface CaseDigest {
  caseId: string;
  status: CaseStatus;
  category: string;
  product?: string;
  summary: string;
  accountId?: string;
  openedAt: string;
  lastActivityAt: string;
  holder: CaseHolder;
  escalation?: EscalationLevel;
  proposedFixes: Record<string, { kind: FixKind; description: string }>;
}

/** What we already know about a customer, kept per event so that reading it is one row. */
export interface CustomerSummaryDoc {
  customerId: string;
  cases: Record<string, CaseDigest>;
  contacts: number;
  lastContactAt?: string;
  lastHandover?: {
    caseId: string;
    fromAgentId: string;
    toAgentId?: string;
    toTeam?: string;
    summary: string;
    handedOverAt: string;
  };
  apologies: {
    total: number;
    byFault: Partial<Record<Fault, number>>;
    latest: Array<{
      caseId: string;
      agentId: string;
      fault: Fault;
      thirdParty?: string;
      statement: string;
      apologizedAt: string;
    }>;
  };
  fixesApplied: Array<{
    caseId: string;
    fixId: string;
    kind?: FixKind;
    description?: string;
    appliedAt: string;
  }>;
  incidents: Array<{ incidentId: string; title: string; declaredAt: string }>;
  /** Promises made to the customer, by case and promise id (absent in summaries written before). */
  promises?: Record<string, CustomerPromise>;
}

export interface CustomerPromise {
  caseId: string;
  promiseId: string;
  agentId: string;
  /** The words said to the customer. */
  promise: string;
  dueAt: string;
  status: 'open' | 'kept' | 'broken';
  settledAt?: string;
}

const KEEP_LATEST = 5;

export const emptySummary = (customerId: string): CustomerSummaryDoc => ({
  customerId,
  cases: {},
  contacts: 0,
  apologies: { total: 0, byFault: {}, latest: [] },
  fixesApplied: [],
  incidents: [],
});

export const summarizeCaseEvent = (
  doc: CustomerSummaryDoc,
  caseId: string,
  event: CaseEvent,
  occurredAt: string,
): void => {
  if (event.type === 'CaseOpened') {
    const d = event.data;
    doc.cases[caseId] = {
      caseId,
      status: 'open',
      category: d.category,
      product: d.product,
      summary: d.summary,
      accountId: d.accountId,
      openedAt: d.openedAt,
      lastActivityAt: d.openedAt,
      holder: d.openedBy ? { agentId: d.openedBy } : {},
      proposedFixes: {},
    };
    return;
  }
  const digest = doc.cases[caseId];
  if (!digest) return;
  switch (event.type) {
    case 'ContactLogged':
      doc.contacts += 1;
      if (!doc.lastContactAt || event.data.contactedAt > doc.lastContactAt)
        doc.lastContactAt = event.data.contactedAt;
      if (!digest.holder.agentId && !digest.holder.team)
        digest.holder = { agentId: event.data.agentId };
      break;
    case 'ApologyIssued': {
      const { caseId: _c, ...apology } = event.data;
      doc.apologies.total += 1;
      doc.apologies.byFault[apology.fault] = (doc.apologies.byFault[apology.fault] ?? 0) + 1;
      doc.apologies.latest = [{ caseId, ...apology }, ...doc.apologies.latest].slice(
        0,
        KEEP_LATEST,
      );
      break;
    }
    case 'CaseHandedOver': {
      const d = event.data;
      digest.holder = d.toAgentId ? { agentId: d.toAgentId } : { team: d.toTeam };
      doc.lastHandover = {
        caseId,
        fromAgentId: d.fromAgentId,
        toAgentId: d.toAgentId,
        toTeam: d.toTeam,
        summary: d.summary,
        handedOverAt: d.handedOverAt,
      };
      break;
    }
    case 'FixProposed':
      digest.proposedFixes[event.data.fixId] = {
        kind: event.data.kind,
        description: event.data.description,
      };
      break;
    case 'FixApplied': {
      const fix = digest.proposedFixes[event.data.fixId];
      doc.fixesApplied = [
        {
          caseId,
          fixId: event.data.fixId,
          kind: fix?.kind,
          description: fix?.description,
          appliedAt: event.data.appliedAt,
        },
        ...doc.fixesApplied,
      ];
      break;
    }
    case 'CaseEscalated':
      digest.escalation = event.data.level;
      break;
    case 'CaseResolved':
      digest.status = 'resolved';
      break;
    case 'CaseReopened':
      digest.status = 'open';
      break;
    case 'CaseClosed':
      digest.status = 'closed';
      digest.proposedFixes = {};
      break;
    case 'PromiseMade': {
      const d = event.data;
      (doc.promises ??= {})[`${caseId}:${d.promiseId}`] = {
        caseId,
        promiseId: d.promiseId,
        agentId: d.agentId,
        promise: d.promise,
        dueAt: d.dueAt,
        status: 'open',
      };
      break;
    }
    case 'PromiseKept':
    case 'PromiseBroken': {
      const promise = doc.promises?.[`${caseId}:${event.data.promiseId}`];
      if (!promise) break;
      promise.status = event.type === 'PromiseKept' ? 'kept' : 'broken';
      promise.settledAt = event.type === 'PromiseKept' ? event.data.keptAt : event.data.brokenAt;
      break;
    }
    default:
      break;
  }
  if (occurredAt > digest.lastActivityAt) digest.lastActivityAt = occurredAt;
};

/** The summary as the API shows it at the top of the timeline: what we promised first. */
export interface CustomerSummary extends Pick<
  CustomerSummaryDoc,
  | 'customerId'
  | 'contacts'
  | 'lastContactAt'
  | 'lastHandover'
  | 'apologies'
  | 'fixesApplied'
  | 'incidents'
> {
  /** Promises not yet kept or broken, the soonest due first: "we promised you … by …". */
  openPromises: Array<Omit<CustomerPromise, 'status' | 'settledAt'>>;
  accountIds: string[];
  cases: { total: number; active: number; closed: number };
  /** The cases not closed, the most recently active first. */
  openCases: Array<Omit<CaseDigest, 'proposedFixes'>>;
  whoHasItNow: Array<{ caseId: string } & CaseHolder>;
  products: string[];
}

export const presentSummary = (doc: CustomerSummaryDoc): CustomerSummary => {
  const cases = Object.values(doc.cases);
  const active = cases
    .filter((c) => c.status !== 'closed')
    .sort((a, b) => b.lastActivityAt.localeCompare(a.lastActivityAt));
  return {
    customerId: doc.customerId,
    openPromises: Object.values(doc.promises ?? {})
      .filter((p) => p.status === 'open')
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map(({ status: _s, settledAt: _t, ...p }) => p),
    accountIds: [...new Set(cases.map((c) => c.accountId).filter((a): a is string => !!a))],
    cases: { total: cases.length, active: active.length, closed: cases.length - active.length },
    openCases: active.map(({ proposedFixes: _p, ...c }) => c),
    whoHasItNow: active.map((c) => ({ caseId: c.caseId, ...c.holder })),
    products: [...new Set(cases.map((c) => c.product).filter((p): p is string => !!p))].sort(),
    contacts: doc.contacts,
    lastContactAt: doc.lastContactAt,
    lastHandover: doc.lastHandover,
    apologies: doc.apologies,
    fixesApplied: doc.fixesApplied,
    incidents: doc.incidents,
  };
};
