import { trackerRelease, type Tracker } from '@heard/domain';
import { SqlFilter, type ReadStore } from '@heard/read-store';
import { groupFields, type AccountRow, type GroupRow } from './recurring-issues.projection';
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
  'revenue',
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
  /** The currency `sort=revenue` ranks by; default: the one most revenue at stake is in. */
  currency?: string;
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
  /** The accounts with a case in the period or a case still open, their tiers as they are now. */
  accounts: string[];
  tiers: string[];
  /** Annual revenue of those accounts, per currency (ISO 4217), each account once. */
  revenueAtStake: RevenueAtStake;
  /** The tracker issues linked to it, with what their webhooks last said. */
  trackerLinks: TrackerLinkView[];
  /** A linked tracker issue was closed as done and the fix waits for one click (`ask`). */
  fixAwaiting: { linkId: string; release: string } | null;
  perDay: Array<{ day: string; cases: number; customers: number }>;
  perWeek: Array<{ week: string; cases: number; customers: number }>;
  trend: TrendReading;
  /** What the issue-trends topic last said: spiking or not. */
  announcedSpiking: boolean;
}

export interface RecurringIssuesReport {
  period: { from: string; to: string };
  /** The currency `sort=revenue` ranked by (null when no account has revenue). */
  revenueCurrency: string | null;
  rule: SpikeRule & { description: string };
  groups: RecurringIssue[];
}

interface CaseRow {
  group_key: string;
  customer_id: string;
  account_id: string | null;
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
    `SELECT group_key, customer_id, account_id, opened_day, opened_ms, contacts, status, resolutions, rejections, confirmed_ms
     FROM ri_cases ${caseFilter.where}`,
    caseFilter.params,
  );
  // Accounts still waiting on a case opened before the period weigh too.
  const waitingFilter = new SqlFilter()
    .add("account_id IS NOT NULL AND status = 'open' AND opened_day < ?", from)
    .when(filter.product, 'product = ?')
    .when(filter.category, 'category = ?');
  const waiting = await store.query<{ group_key: string; account_id: string }>(
    `SELECT DISTINCT group_key, account_id FROM ri_cases ${waitingFilter.where}`,
    waitingFilter.params,
  );
  const accountsOf = new Map<string, Set<string>>();
  for (const c of [...cases, ...waiting]) {
    if (!c.account_id) continue;
    const set = accountsOf.get(c.group_key) ?? new Set<string>();
    set.add(c.account_id);
    accountsOf.set(c.group_key, set);
  }
  const weigh = await accountWeigher(store);
  const linksOf = new Map<string, TrackerLinkView[]>();
  for (const link of await readTrackerLinks(store)) {
    const list = linksOf.get(link.issueId) ?? [];
    list.push(link);
    linksOf.set(link.issueId, list);
  }
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
    const weighed = weigh([...(accountsOf.get(g.group_key) ?? [])]);
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
      ...weighed,
      trackerLinks: (g.issue_id && linksOf.get(g.issue_id)) || [],
      fixAwaiting: fixAwaitingOf((g.issue_id && linksOf.get(g.issue_id)) || []),
      perDay: perDay.map(([day, b]) => ({ day, ...b })),
      perWeek: perWeek.map(([week, b]) => ({ week, ...b })),
      trend,
      announcedSpiking: g.spiking === 1,
    });
  }
  const kept = report.filter((r) => matchesStatus(r, filter.status));
  const revenueCurrency = filter.currency ?? largestCurrency(kept.map((r) => r.revenueAtStake));
  kept.sort(comparator(filter.sort ?? 'cases', revenueCurrency));
  return {
    period: { from, to },
    revenueCurrency,
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

const comparator = (sort: RecurringSort, currency: string | null) => {
  // Revenue first, then accounts: compared in turn, since amounts reach 1e15 and a sum of
  // both would lose the accounts to rounding. Other currencies are not converted.
  const revenue = (r: RecurringIssue) => (currency ? (r.revenueAtStake[currency] ?? 0) : 0);
  const score = (r: RecurringIssue): number => {
    switch (sort) {
      case 'cases':
        return r.cases;
      case 'customers':
        return r.customers;
      case 'revenue':
        return revenue(r);
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
    score(b) - score(a) ||
    (sort === 'revenue' ? b.accounts.length - a.accounts.length : 0) ||
    b.cases - a.cases ||
    a.group.localeCompare(b.group);
};

export interface TrackerLinkView {
  issueId: string;
  linkId: string;
  tracker: string;
  ref: string;
  url: string;
  onTrackerDone: 'ask' | 'ship';
  /** What the tracker last said (`open`, `closed: completed`, a Jira status…); null until then. */
  state: string | null;
  done: boolean;
  release: string | null;
  /** Done and its fix not shipped yet: waiting for one click. */
  awaiting: boolean;
  /** heard commented on it with who is waiting (the comment back). */
  commented: boolean;
  linkedAt: string;
  changedAt: string | null;
}

interface TrackerLinkRow {
  issue_id: string;
  link_id: string;
  tracker: string;
  ref: string;
  url: string;
  on_done: 'ask' | 'ship';
  state: string | null;
  done: number;
  release: string | null;
  awaiting: number;
  commented: number;
  linked_at: string;
  changed_at: string | null;
}

/** The newest link whose fix waits, and the release it would ship as. */
export const fixAwaitingOf = (links: TrackerLinkView[]) => {
  const waiting = links
    .filter((l) => l.awaiting)
    .sort((a, b) => (b.changedAt ?? '').localeCompare(a.changedAt ?? ''))[0];
  return waiting
    ? {
        linkId: waiting.linkId,
        release: trackerRelease(waiting.tracker as Tracker, waiting.ref, waiting.release),
      }
    : null;
};

/** Tracker links: all, those of one issue, or those naming one tracker issue (a webhook's). */
export const readTrackerLinks = async (
  store: ReadStore,
  filter: {
    issueId?: string;
    tracker?: string;
    ref?: string;
    /** Leave out the links of closed issues (nothing more is recorded on those). */
    openIssuesOnly?: boolean;
  } = {},
): Promise<TrackerLinkView[]> => {
  const where = new SqlFilter()
    .when(filter.issueId, 'issue_id = ?')
    .when(filter.tracker, 'tracker = ?')
    .when(filter.ref, 'ref = ?');
  if (filter.openIssuesOnly)
    where.add(
      "issue_id NOT IN (SELECT issue_id FROM ri_groups WHERE issue_id IS NOT NULL AND issue_status = 'closed')",
    );
  const rows = await store.query<TrackerLinkRow>(
    `SELECT * FROM ri_tracker_links ${where.where} ORDER BY issue_id, linked_at, link_id`,
    where.params,
  );
  return rows.map((r) => ({
    issueId: r.issue_id,
    linkId: r.link_id,
    tracker: r.tracker,
    ref: r.ref,
    url: r.url,
    onTrackerDone: r.on_done,
    state: r.state,
    done: Number(r.done) === 1,
    release: r.release,
    awaiting: Number(r.awaiting) === 1,
    commented: Number(r.commented) === 1,
    linkedAt: r.linked_at,
    changedAt: r.changed_at,
  }));
};

/** Who waits on one issue: its cases' customers, and its accounts weighed (revenue at stake). */
export const readIssueDemand = async (store: ReadStore, issueId: string) => {
  const rows = await store.query<{ customer_id: string; account_id: string | null }>(
    'SELECT customer_id, account_id FROM ri_cases WHERE issue_id = ?',
    [issueId],
  );
  // Only this issue's accounts: a report weighs many groups, this weighs one.
  const accounts = await store.query<AccountRow>(
    'SELECT * FROM ri_accounts WHERE account_id IN (SELECT account_id FROM ri_cases WHERE issue_id = ?)',
    [issueId],
  );
  const weighed = weigher(accounts)(rows.flatMap((r) => (r.account_id ? [r.account_id] : [])));
  return { customers: new Set(rows.map((r) => r.customer_id)).size, ...weighed };
};

/** Revenue per currency (ISO 4217 code to yearly amount). */
export type RevenueAtStake = Record<string, number>;

/** The currency with the most revenue at stake over the groups (ties: alphabetical). */
const largestCurrency = (all: RevenueAtStake[]): string | null => {
  const totals = new Map<string, number>();
  for (const r of all)
    for (const [currency, amount] of Object.entries(r))
      totals.set(currency, (totals.get(currency) ?? 0) + amount);
  return (
    [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
  );
};

/**
 * Reads every known account once and weighs a list of account ids: the ids, their tiers as
 * they are now and their annual revenue summed per currency, each account counted once.
 */
export const accountWeigher = async (store: ReadStore) =>
  weigher(await store.query<AccountRow>('SELECT * FROM ri_accounts'));

const weigher = (rows: AccountRow[]) => {
  const known = new Map(rows.map((a) => [a.account_id, a]));
  return (accountIds: string[]) => {
    const ids = [...new Set(accountIds)].sort();
    const revenueAtStake: RevenueAtStake = {};
    const tiers = new Set<string>();
    for (const id of ids) {
      const a = known.get(id);
      if (!a) continue;
      tiers.add(a.tier);
      if (a.currency && a.amount !== null)
        revenueAtStake[a.currency] = (revenueAtStake[a.currency] ?? 0) + Number(a.amount);
    }
    return { accounts: ids, tiers: [...tiers].sort(), revenueAtStake };
  };
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
