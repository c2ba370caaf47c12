import {
  choosePolicy,
  type Deadline,
  type SlaCaseFacts,
  type SlaPolicyVersion,
  type SlaTarget,
} from '@heard/domain';
import { SqlFilter, type ReadStore } from '@heard/read-store';

/** Every policy at its latest version, each with the versions before it (newest first). */
export interface SlaPolicyList {
  policies: Array<SlaPolicyVersion & { versions: SlaPolicyVersion[] }>;
}

const allVersions = async (store: ReadStore): Promise<SlaPolicyVersion[]> =>
  (
    await store.query<{ terms: string }>(
      'SELECT terms FROM sla_policies ORDER BY policy_id, version DESC',
    )
  ).map((r) => JSON.parse(r.terms) as SlaPolicyVersion);

export const listSlaPolicies = async (store: ReadStore): Promise<SlaPolicyList> => {
  const byPolicy = new Map<string, SlaPolicyVersion[]>();
  for (const version of await allVersions(store))
    byPolicy.set(version.policyId, [...(byPolicy.get(version.policyId) ?? []), version]);
  return {
    policies: [...byPolicy.values()]
      .map(([latest, ...earlier]) => ({ ...latest!, versions: earlier }))
      .sort((a, b) => a.priority - b.priority || a.policyId.localeCompare(b.policyId)),
  };
};

/** How long the policies read are trusted before they are read again. */
const CATALOG_TTL_MS = 1000;

/**
 * The policies a new case is matched against: the latest version of each, as the SLA
 * projection has them, and any version this process defined that it has not applied yet
 * (so a policy set here holds the next case opened here). Another instance's new version
 * holds cases from when this instance's read model has it: well under a second.
 */
export class SlaPolicyCatalog {
  private read?: { at: number; policies: SlaPolicyVersion[] };
  private readonly recent = new Map<string, SlaPolicyVersion>();

  constructor(
    private readonly store: ReadStore,
    private readonly now: () => number = Date.now,
  ) {}

  remember(policy: SlaPolicyVersion): void {
    const known = this.recent.get(policy.policyId);
    if (!known || known.version < policy.version) this.recent.set(policy.policyId, policy);
  }

  async forCase(facts: SlaCaseFacts): Promise<SlaPolicyVersion | undefined> {
    if (!this.read || this.now() - this.read.at > CATALOG_TTL_MS) {
      const latest = new Map<string, SlaPolicyVersion>();
      for (const v of await allVersions(this.store))
        if (!latest.has(v.policyId)) latest.set(v.policyId, v);
      this.read = { at: this.now(), policies: [...latest.values()] };
    }
    const merged = new Map(this.read.policies.map((p) => [p.policyId, p]));
    for (const [id, mine] of this.recent)
      if ((merged.get(id)?.version ?? 0) < mine.version) merged.set(id, mine);
      else this.recent.delete(id); // the read model has it now
    return choosePolicy([...merged.values()], facts);
  }
}

export interface DueDeadline {
  caseId: string;
  deadline: Deadline;
}

/** What the scheduler has to record now, soonest first. */
export const dueDeadlines = async (
  store: ReadStore,
  now: number,
  limit = 200,
): Promise<DueDeadline[]> =>
  (
    await store.query<{ case_id: string; deadline: string }>(
      'SELECT case_id, deadline FROM sla_deadlines WHERE due_at <= ? ORDER BY due_at, case_id LIMIT ?',
      [new Date(now).toISOString(), limit],
    )
  ).map((r) => ({ caseId: r.case_id, deadline: JSON.parse(r.deadline) as Deadline }));

export const SLA_REPORT_STATES = ['at_risk', 'breached'] as const;

export interface SlaReportRow {
  caseId: string;
  customerId: string;
  target: SlaTarget;
  cycle: number;
  /** at_risk: running and past its warning; breached: its due time passed while the case is open. */
  state: (typeof SLA_REPORT_STATES)[number];
  dueAt: string | null;
  breachedAt: string | null;
  policyId: string;
  policyVersion: number;
  agentId: string | null;
  team: string | null;
}

export interface SlaAttainment {
  /** The team, agent or `policyId v<version>` the counts are of (null: nobody named). */
  key: string | null;
  met: number;
  breached: number;
  /** met / (met + breached); null before any target settled. */
  attainment: number | null;
}

export interface PromiseCounts {
  key: string | null;
  kept: number;
  broken: number;
  open: number;
}

export interface SlaReport {
  asOf: string;
  filter: { team?: string; agentId?: string; policyId?: string };
  cases: SlaReportRow[];
  attainment: {
    byTeam: SlaAttainment[];
    byAgent: SlaAttainment[];
    byPolicyVersion: SlaAttainment[];
  };
  promises: { byTeam: PromiseCounts[]; byAgent: PromiseCounts[] };
}

interface ClockRow {
  case_id: string;
  customer_id: string;
  target: SlaTarget;
  cycle: number;
  status: string;
  due_at: string | null;
  warn_at: string | null;
  warned: number;
  settled_at: string | null;
  policy_id: string;
  policy_version: number;
  agent_id: string | null;
  team: string | null;
}

const share = (met: number, breached: number) =>
  met + breached === 0 ? null : Math.round((met / (met + breached)) * 10_000) / 10_000;

/**
 * The supervisors' queue: clocks of open cases that are at risk (past their warning) or
 * breached, soonest due first; with attainment (targets met of those settled) and promises
 * kept, per team, agent and policy version. A filter narrows all of it.
 */
export const slaReport = async (
  store: ReadStore,
  options: { now: number; team?: string; agentId?: string; policyId?: string; limit: number },
): Promise<SlaReport> => {
  const now = new Date(options.now).toISOString();
  const filter = new SqlFilter()
    .when(options.team, 'k.team = ?')
    .when(options.agentId, 'k.agent_id = ?')
    .when(options.policyId, 'k.policy_id = ?');
  const queue = await store.query<ClockRow>(
    `SELECT k.*, c.customer_id FROM sla_clocks k JOIN sla_cases c ON c.case_id = k.case_id
     WHERE c.status = 'open'
       AND (k.status = 'breached' OR (k.status = 'running' AND (k.warned = 1 OR k.warn_at <= ? OR k.due_at <= ?)))
       ${filter.and()}
     ORDER BY k.due_at, k.case_id, k.target LIMIT ?`,
    [now, now, ...filter.params, options.limit],
  );
  const figures = await slaFigures(store, options);
  return {
    asOf: now,
    filter: {
      ...(options.team ? { team: options.team } : {}),
      ...(options.agentId ? { agentId: options.agentId } : {}),
      ...(options.policyId ? { policyId: options.policyId } : {}),
    },
    cases: queue.map((r) => ({
      caseId: r.case_id,
      customerId: r.customer_id,
      target: r.target,
      cycle: Number(r.cycle),
      state: r.status === 'breached' ? 'breached' : 'at_risk',
      dueAt: r.due_at,
      breachedAt: r.status === 'breached' ? r.settled_at : null,
      policyId: r.policy_id,
      policyVersion: Number(r.policy_version),
      agentId: r.agent_id,
      team: r.team,
    })),
    ...figures,
  };
};

/** The SLA's figures in the KPIs: attainment and promises kept per team, agent and policy version. */
export interface SlaFigures {
  attainment: SlaReport['attainment'];
  promises: SlaReport['promises'];
}

/**
 * Targets met of those settled, and promises kept, broken and open; of the clocks started
 * and promises due in the period (days, YYYY-MM-DD) when one is given.
 */
export const slaFigures = async (
  store: ReadStore,
  options: { team?: string; agentId?: string; policyId?: string; from?: string; to?: string },
): Promise<SlaFigures> => {
  const filter = new SqlFilter()
    .when(options.team, 'k.team = ?')
    .when(options.agentId, 'k.agent_id = ?')
    .when(options.policyId, 'k.policy_id = ?')
    .when(options.from, 'substr(k.started_at, 1, 10) >= ?')
    .when(options.to, 'substr(k.started_at, 1, 10) <= ?');
  const attainmentBy = async (key: string): Promise<SlaAttainment[]> =>
    (
      await store.query<{ key: string | null; met: number | string; breached: number | string }>(
        `SELECT ${key} AS key,
           SUM(CASE WHEN k.status = 'met' THEN 1 ELSE 0 END) AS met,
           SUM(CASE WHEN k.status = 'breached' THEN 1 ELSE 0 END) AS breached
         FROM sla_clocks k WHERE k.status IN ('met', 'breached') ${filter.and()}
         GROUP BY ${key} ORDER BY ${key}`,
        filter.params,
      )
    ).map((r) => ({
      key: r.key,
      met: Number(r.met),
      breached: Number(r.breached),
      attainment: share(Number(r.met), Number(r.breached)),
    }));
  const promiseFilter = new SqlFilter()
    .when(options.team, 'p.team = ?')
    .when(options.agentId, 'p.agent_id = ?')
    .when(options.from, 'substr(p.due_at, 1, 10) >= ?')
    .when(options.to, 'substr(p.due_at, 1, 10) <= ?');
  const promisesBy = async (key: string): Promise<PromiseCounts[]> =>
    (
      await store.query<{
        key: string | null;
        kept: number | string;
        broken: number | string;
        open: number | string;
      }>(
        `SELECT ${key} AS key,
           SUM(CASE WHEN p.status = 'kept' THEN 1 ELSE 0 END) AS kept,
           SUM(CASE WHEN p.status = 'broken' THEN 1 ELSE 0 END) AS broken,
           SUM(CASE WHEN p.status = 'open' THEN 1 ELSE 0 END) AS open
         FROM sla_promises p WHERE 1 = 1 ${promiseFilter.and()}
         GROUP BY ${key} ORDER BY ${key}`,
        promiseFilter.params,
      )
    ).map((r) => ({
      key: r.key,
      kept: Number(r.kept),
      broken: Number(r.broken),
      open: Number(r.open),
    }));
  // The keys are column expressions of this file, never user text.
  return {
    attainment: {
      byTeam: await attainmentBy('k.team'),
      byAgent: await attainmentBy('k.agent_id'),
      byPolicyVersion: await attainmentBy("k.policy_id || ' v' || k.policy_version"),
    },
    promises: { byTeam: await promisesBy('p.team'), byAgent: await promisesBy('p.agent_id') },
  };
};
