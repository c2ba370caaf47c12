import { SqlFilter, type ReadStore } from '@heard/read-store';
import { groupFields, type GroupRow } from './recurring-issues.projection';
import { median, round } from '../shared/numbers';
import { addDays, dayOf, DAY_MS, isoWeekOf } from '../shared/time';
import {
  describeSpikeRule,
  readTrend,
  trendWindow,
  type SpikeRule,
  type TrendReading,
} from './spike-rule';

export const RECURRING_SORTS = [
  'cases',
  'customers',
  'trend',
  'repeat_contacts',
  'open',
  'rejected_share',
] as const;
type RecurringSort = (typeof RECURRING_SORTS)[number];
export const RECURRING_STATUSES = [
  'spiking',
  'recurring',
  'unlinked',
  'identified',
  'acknowledged',
  'fix_shipped',
  'closed',
] as const;
type RecurringStatus = (typeof RECURRING_STATUSES)[number];

interface RecurringIssuesFilter {
  product?: string;
  category?: string;
  kind?: 'issue' | 'unlinked';
  status?: RecurringStatus;
  /** First and last day of the period (inclusive); `to` is also the trend's day of reference. */
  from?: string;
  to?: string;
  sort?: RecurringSort;
  limit?: number;
}

interface RecurringIssue {
  group: string;
  kind: 'issue' | 'unlinked';
  issueId: string | null;
  title: string;
  product: string | null;
  category: string;
  /** For an issue: identified, acknowledged, fix_shipped or closed. */
  issueStatus: string | null;
  owner: { team: string; owner: string } | null;
  fixRelease: string | null;
  /** Cases opened in the period, and what became of them. */
  cases: number;
  customers: number;
  /** Inbound contacts after the one that opened the case. */
  repeatContacts: number;
  open: number;
  resolved: number;
  closed: number;
  medianHoursToConfirmedFix: number | null;
  /** Rejected resolutions (and "not fixed" follow-ups) per resolution given. */
  rejectedShare: number | null;
  perDay: Array<{ day: string; cases: number; customers: number }>;
  perWeek: Array<{ week: string; cases: number; customers: number }>;
  trend: TrendReading;
  /** What the issue-trends topic last said: spiking or not. */
  announcedSpiking: boolean;
}

export interface RecurringIssuesReport {
  period: { from: string; to: string };
  rule: SpikeRule & { description: string };
  groups: RecurringIssue[];
}

interface CaseRow {
  group_key: string;
  customer_id: string;
  opened_day: string;
  opened_ms: number;
  contacts: number;
  status: string;
  resolutions: number;
  rejections: number;
  confirmed_ms: number | null;
}

/** When the newest case was opened: "today" for the reports' defaults. */
export const readWatermark = async (store: ReadStore): Promise<number | undefined> => {
  const [row] = await store.query<{ value: number }>(
    "SELECT value FROM ri_meta WHERE name = 'watermark_ms'",
  );
  return row?.value || undefined;
};

export const readRecurringIssues = async (
  store: ReadStore,
  rule: SpikeRule,
  filter: RecurringIssuesFilter,
): Promise<RecurringIssuesReport> => {
  const to = filter.to ?? dayOf((await readWatermark(store)) ?? Date.now());
  const from = filter.from ?? addDays(to, -27);

  const groupFilter = new SqlFilter()
    .when(filter.product, 'product = ?')
    .when(filter.category, 'category = ?')
    .when(filter.kind, 'kind = ?');
  const groups = await store.query<GroupRow>(
    `SELECT * FROM ri_groups ${groupFilter.where}`,
    groupFilter.params,
  );
  const caseFilter = new SqlFilter()
    .add('opened_day >= ? AND opened_day <= ?', from, to)
    .when(filter.product, 'product = ?')
    .when(filter.category, 'category = ?');
  const cases = await store.query<CaseRow>(
    `SELECT group_key, customer_id, opened_day, opened_ms, contacts, status, resolutions, rejections, confirmed_ms
     FROM ri_cases ${caseFilter.where}`,
    caseFilter.params,
  );
  const { baselineFrom, windowFrom } = trendWindow(to, rule);
  const daily = await store.query<{ group_key: string; day: string; cases: number }>(
    'SELECT group_key, day, cases FROM ri_daily WHERE day >= ? AND day <= ?',
    [baselineFrom, to],
  );
  const casesOf = new Map<string, CaseRow[]>();
  for (const c of cases) {
    const list = casesOf.get(c.group_key);
    if (list) list.push(c);
    else casesOf.set(c.group_key, [c]);
  }
  const sums = new Map<string, { w: number; b: number }>();
  for (const d of daily) {
    const s = sums.get(d.group_key) ?? { w: 0, b: 0 };
    if (d.day >= windowFrom) s.w += d.cases;
    else s.b += d.cases;
    sums.set(d.group_key, s);
  }

  const report: RecurringIssue[] = [];
  for (const g of groups) {
    const list = casesOf.get(g.group_key) ?? [];
    if (g.kind === 'unlinked' && list.length === 0) continue;
    const s = sums.get(g.group_key) ?? { w: 0, b: 0 };
    const trend = readTrend(to, s.w, s.b, rule);
    const resolutions = list.reduce((n, c) => n + c.resolutions, 0);
    const perDay = bucket(list, (c) => c.opened_day);
    const perWeek = bucket(list, (c) => isoWeekOf(c.opened_ms));
    report.push({
      ...groupFields(g),
      issueStatus: g.issue_status,
      owner: g.team && g.owner ? { team: g.team, owner: g.owner } : null,
      fixRelease: g.fix_release,
      cases: list.length,
      customers: new Set(list.map((c) => c.customer_id)).size,
      repeatContacts: list.reduce((n, c) => n + c.contacts, 0),
      open: list.filter((c) => c.status === 'open').length,
      resolved: list.filter((c) => c.status === 'resolved').length,
      closed: list.filter((c) => c.status === 'closed').length,
      medianHoursToConfirmedFix: nullableRound(
        median(
          list
            .filter((c) => c.confirmed_ms !== null)
            .map((c) => (c.confirmed_ms! - c.opened_ms) / (DAY_MS / 24)),
        ),
      ),
      rejectedShare:
        resolutions > 0 ? round(list.reduce((n, c) => n + c.rejections, 0) / resolutions, 3) : null,
      perDay: perDay.map(([day, b]) => ({ day, ...b })),
      perWeek: perWeek.map(([week, b]) => ({ week, ...b })),
      trend,
      announcedSpiking: g.spiking === 1,
    });
  }
  const kept = report.filter((r) => matchesStatus(r, filter.status));
  kept.sort(comparator(filter.sort ?? 'cases'));
  return {
    period: { from, to },
    rule: { ...rule, description: describeSpikeRule(rule) },
    groups: kept.slice(0, filter.limit ?? 50),
  };
};

const nullableRound = (n: number | null) => (n === null ? null : round(n, 1));

const bucket = (list: CaseRow[], keyOf: (c: CaseRow) => string) => {
  const buckets = new Map<string, { cases: number; customers: Set<string> }>();
  for (const c of list) {
    const key = keyOf(c);
    const b = buckets.get(key) ?? { cases: 0, customers: new Set<string>() };
    b.cases += 1;
    b.customers.add(c.customer_id);
    buckets.set(key, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, b]) => [key, { cases: b.cases, customers: b.customers.size }] as const);
};

const matchesStatus = (r: RecurringIssue, status: RecurringStatus | undefined) => {
  switch (status) {
    case undefined:
      return true;
    case 'spiking':
      return r.trend.spiking;
    case 'recurring':
      return r.trend.recurring;
    case 'unlinked':
      return r.kind === 'unlinked';
    default:
      return r.issueStatus === status;
  }
};

const comparator = (sort: RecurringSort) => {
  const score = (r: RecurringIssue): number => {
    switch (sort) {
      case 'cases':
        return r.cases;
      case 'customers':
        return r.customers;
      case 'trend':
        // A new problem (no baseline) ranks above any ratio; then spikes above the rest.
        return (r.trend.spiking ? 1e9 : 0) + (r.trend.ratio ?? (r.trend.recurring ? 1e6 : 0));
      case 'repeat_contacts':
        return r.repeatContacts;
      case 'open':
        return r.open;
      case 'rejected_share':
        return r.rejectedShare ?? -1;
    }
  };
  return (a: RecurringIssue, b: RecurringIssue) =>
    score(b) - score(a) || b.cases - a.cases || a.group.localeCompare(b.group);
};

export interface GroupCustomer {
  customerId: string;
  caseIds: string[];
  firstOpenedAt: string;
  lastOpenedAt: string;
  openCases: number;
}

/** The customers behind one recurring issue (cases opened in the period), most cases first. */
export const readGroupCustomers = async (
  store: ReadStore,
  group: string,
  period: { from?: string; to?: string },
): Promise<GroupCustomer[] | undefined> => {
  const [exists] = await store.query<{ group_key: string }>(
    'SELECT group_key FROM ri_groups WHERE group_key = ?',
    [group],
  );
  if (!exists) return undefined;
  const rows = await store.query<{
    case_id: string;
    customer_id: string;
    opened_at: string;
    status: string;
  }>(
    `SELECT case_id, customer_id, opened_at, status FROM ri_cases
     WHERE group_key = ? AND opened_day >= ? AND opened_day <= ? ORDER BY opened_ms, case_id`,
    [group, period.from ?? '0000-01-01', period.to ?? '9999-12-31'],
  );
  const byCustomer = new Map<string, GroupCustomer>();
  for (const r of rows) {
    const c = byCustomer.get(r.customer_id) ?? {
      customerId: r.customer_id,
      caseIds: [],
      firstOpenedAt: r.opened_at,
      lastOpenedAt: r.opened_at,
      openCases: 0,
    };
    c.caseIds.push(r.case_id);
    c.lastOpenedAt = r.opened_at;
    if (r.status === 'open') c.openCases += 1;
    byCustomer.set(r.customer_id, c);
  }
  return [...byCustomer.values()].sort(
    (a, b) => b.caseIds.length - a.caseIds.length || a.customerId.localeCompare(b.customerId),
  );
};
