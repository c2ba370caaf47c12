import { ERASED } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, upsertRows, type OutboundMessage } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import type { Projection } from '../projection';
import type { ReadTx } from '@heard/read-store';
import { businessMs, dayOf } from '../shared/time';
import {
  describeSpikeRule,
  readTrend,
  stillSpiking,
  trendWindow,
  type SpikeRule,
} from './spike-rule';
import { known } from '../shared/known-events';

/** Cases linked to an issue count under it; the others under their product and category. */
const issueGroup = (issueId: string) => `issue:${issueId}`;
const unlinkedGroup = (product: string | undefined | null, category: string) =>
  `unlinked:${product ?? '(none)'}|${category}`;

/** What names a group, in reports and trend messages alike. */
export const groupFields = (g: GroupRow) => ({
  group: g.group_key,
  kind: g.kind,
  issueId: g.issue_id,
  title: g.title,
  product: g.product,
  category: g.category,
});

/** Free text kept per case for the candidate-issue grouping (summary, notes, symptoms). */
const TEXT_LIMIT = 4000;

/** A row of `ri_groups`. */
export interface GroupRow {
  group_key: string;
  kind: 'issue' | 'unlinked';
  issue_id: string | null;
  product: string | null;
  category: string;
  title: string;
  issue_status: string | null;
  team: string | null;
  owner: string | null;
  fix_release: string | null;
  spiking: number;
  transitions: number;
  appeared_at: string | null;
  changed_at: string | null;
}

/**
 * Recurring problems: one row per case (its group, counts and free text), cases opened per
 * group and day, and each group's trend state. As events arrive it evaluates the spike rule
 * for the group they touch, as of the newest case opened (the watermark), and puts a
 * message on the issue-trends topic for each change of state: appeared, spiking, calmed,
 * acknowledged, fix shipped, closed. Evaluation follows event order, never wall-clock time,
 * so a rebuild takes the same decisions, and derives the same message ids.
 */
export const recurringIssuesProjection = (rule: SpikeRule): Projection => ({
  name: 'recurring_issues',
  // 2: each case's account, the accounts' tier and revenue (revenue at stake), tracker links
  version: 2,
  tables: ['ri_cases', 'ri_daily', 'ri_groups', 'ri_meta', 'ri_accounts', 'ri_tracker_links'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS ri_cases (
      case_id      TEXT    PRIMARY KEY,
      customer_id  TEXT    NOT NULL,
      account_id   TEXT,
      product      TEXT,
      category     TEXT    NOT NULL,
      channel      TEXT    NOT NULL,
      opened_at    TEXT    NOT NULL,
      opened_ms    BIGINT NOT NULL,
      opened_day   TEXT    NOT NULL,
      group_key    TEXT    NOT NULL,
      issue_id     TEXT,
      status       TEXT    NOT NULL,
      contacts     BIGINT NOT NULL,
      resolutions  BIGINT NOT NULL,
      rejections   BIGINT NOT NULL,
      confirmed_ms BIGINT,
      summary      TEXT    NOT NULL,
      text         TEXT    NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ri_cases_by_group ON ri_cases (group_key, opened_day);
    CREATE INDEX IF NOT EXISTS ri_cases_by_day ON ri_cases (opened_day);
    CREATE TABLE IF NOT EXISTS ri_daily (
      group_key TEXT    NOT NULL,
      day       TEXT    NOT NULL,
      cases     BIGINT NOT NULL,
      PRIMARY KEY (group_key, day)
    );
    CREATE INDEX IF NOT EXISTS ri_daily_by_day ON ri_daily (day);
    CREATE TABLE IF NOT EXISTS ri_groups (
      group_key    TEXT    PRIMARY KEY,
      kind         TEXT    NOT NULL,
      issue_id     TEXT,
      product      TEXT,
      category     TEXT    NOT NULL,
      title        TEXT    NOT NULL,
      issue_status TEXT,
      team         TEXT,
      owner        TEXT,
      fix_release  TEXT,
      spiking      BIGINT NOT NULL,
      transitions  BIGINT NOT NULL,
      appeared_at  TEXT,
      changed_at   TEXT
    );
    CREATE TABLE IF NOT EXISTS ri_accounts (
      account_id TEXT   PRIMARY KEY,
      name       TEXT   NOT NULL,
      tier       TEXT   NOT NULL,
      amount     DOUBLE PRECISION,
      currency   TEXT
    );
    CREATE TABLE IF NOT EXISTS ri_tracker_links (
      issue_id   TEXT   NOT NULL,
      link_id    TEXT   NOT NULL,
      tracker    TEXT   NOT NULL,
      ref        TEXT   NOT NULL,
      url        TEXT   NOT NULL,
      on_done    TEXT   NOT NULL,
      state      TEXT,
      done       BIGINT NOT NULL,
      release    TEXT,
      awaiting   BIGINT NOT NULL,
      commented  BIGINT NOT NULL,
      linked_at  TEXT   NOT NULL,
      changed_at TEXT,
      PRIMARY KEY (issue_id, link_id)
    );
    CREATE INDEX IF NOT EXISTS ri_tracker_links_by_ref ON ri_tracker_links (tracker, ref);
    CREATE TABLE IF NOT EXISTS ri_meta (
      name  TEXT    PRIMARY KEY,
      value BIGINT NOT NULL
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const outbound: OutboundMessage[] = [];
    const [meta] = await tx.query<{ value: number }>(
      "SELECT value FROM ri_meta WHERE name = 'watermark_ms'",
    );
    const watermarkBefore = meta?.value ?? 0;
    let watermark = watermarkBefore;

    // The batch reads what it needs once: every group, the daily counts its trend windows can
    // reach, and the cases its events name. Cases and daily counts are written at its end;
    // the few changes of a group as they happen.
    const groups = new Map(
      (await tx.query<GroupRow>('SELECT * FROM ri_groups')).map((g) => [g.group_key, g]),
    );
    const group = (key: string) => groups.get(key);
    const daily = new DailyCounts(trendWindow(dayOf(watermarkBefore), rule).baselineFrom);
    for (const row of await tx.query<{ group_key: string; day: string; cases: number }>(
      'SELECT group_key, day, cases FROM ri_daily WHERE day >= ?',
      [daily.from],
    ))
      daily.add(row.group_key, row.day, row.cases);

    const message = (
      g: GroupRow,
      what: string,
      id: string,
      time: string,
      extra: Record<string, unknown> = {},
    ) =>
      outbound.push({
        id: `trend:${g.group_key}:${id}`,
        topic: 'issue-trends',
        type: `heard.issue-trend.${what}`,
        key: g.group_key,
        subject: g.issue_id ? `issue-${g.issue_id}` : `${g.product ?? '(none)'}/${g.category}`,
        time,
        data: { ...groupFields(g), ...extra },
      });

    /** Reads the group's trend as of the watermark and announces a change of state. */
    const evaluate = async (key: string, time: string) => {
      const g = group(key);
      if (!g) return;
      const asOf = dayOf(watermark);
      const { windowFrom, baselineFrom } = trendWindow(asOf, rule);
      const sums = daily.sums(key, baselineFrom, windowFrom, asOf);
      const reading = readTrend(asOf, sums.window, sums.baseline, rule);
      if (g.kind === 'unlinked' && !g.appeared_at && reading.recurring) {
        message(g, 'appeared', 'appeared', time, { trend: reading, rule: describeSpikeRule(rule) });
        g.appeared_at = time;
        await tx.execute('UPDATE ri_groups SET appeared_at = ? WHERE group_key = ?', [time, key]);
      }
      const spiking = g.spiking === 1 ? stillSpiking(reading, rule) : reading.spiking;
      if (spiking !== (g.spiking === 1)) {
        const what = spiking ? 'spiking' : 'calmed';
        // Numbered per group: the same events replayed number their changes the same way.
        const n = g.transitions + 1;
        message(g, what, `${n}:${what}`, time, { trend: reading, rule: describeSpikeRule(rule) });
        Object.assign(g, { spiking: spiking ? 1 : 0, transitions: n, changed_at: time });
        await tx.execute(
          'UPDATE ri_groups SET spiking = ?, transitions = ?, changed_at = ? WHERE group_key = ?',
          [spiking ? 1 : 0, n, time, key],
        );
      }
    };

    /** Cases opened per group and day: counted in memory, added to the table at the end. */
    const added = new Map<string, { group_key: string; day: string; cases: number }>();
    const addCase = (key: string, day: string, n: number) => {
      daily.add(key, day, n);
      const counted = added.get(`${key}\u0000${day}`) ?? { group_key: key, day, cases: 0 };
      counted.cases += n;
      added.set(`${key}\u0000${day}`, counted);
    };
    /** A group as its INSERT … DO NOTHING leaves it: true when it is new. */
    const addGroup = (row: GroupRow) => {
      if (groups.has(row.group_key)) return false;
      groups.set(row.group_key, row);
      return true;
    };
    const cases = await new BatchRows<CaseRow>('ri_cases', ['case_id']).load(
      tx,
      'case_id',
      events.filter((e) => e.streamId.startsWith('case-')).map((e) => e.streamId.slice(5)),
    );
    const accounts = new Map<string, AccountRow>();
    /** Changes the case, when there is one. */
    const change = (caseId: string, values: (c: CaseRow) => Partial<CaseRow>) => {
      const c = cases.get(caseId);
      if (c) cases.change(c, values(c));
    };

    for (const event of known(events)) {
      const at = businessMs(event.metadata);
      const time = event.metadata.occurredAt;
      // The trend's clock: the newest case opened. Contacts and follow-ups of old cases
      // (days after they opened) do not move the window; a new complaint does.
      if (event.type === 'CaseOpened' && at > watermark) {
        const dayChanged = dayOf(at) !== dayOf(watermark);
        watermark = at;
        // A new day moves every window: spikes nobody reports on any more calm down.
        if (dayChanged)
          for (const key of [...groups.values()]
            .filter((g) => g.spiking === 1)
            .map((g) => g.group_key)
            .sort())
            await evaluate(key, time);
      }
      const caseId = event.streamId.startsWith('case-') ? event.streamId.slice(5) : '';
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          const key = unlinkedGroup(d.product, d.category);
          const openedMs = Date.parse(d.openedAt);
          const title = `${d.product ?? '(no product)'}: ${d.category}`;
          const product = d.product ?? null;
          if (
            addGroup({
              ...NEW_GROUP,
              group_key: key,
              kind: 'unlinked',
              product,
              category: d.category,
              title,
            })
          )
            await tx.execute(
              `INSERT INTO ri_groups (group_key, kind, product, category, title, spiking, transitions)
               VALUES (?, 'unlinked', ?, ?, ?, 0, 0) ON CONFLICT (group_key) DO NOTHING`,
              [key, product, d.category, title],
            );
          cases.insert({
            case_id: d.caseId,
            customer_id: d.customerId,
            account_id: d.accountId ?? null,
            product,
            category: d.category,
            channel: d.channel,
            opened_at: d.openedAt,
            opened_ms: openedMs,
            opened_day: dayOf(openedMs),
            group_key: key,
            issue_id: null,
            status: 'open',
            contacts: 0,
            resolutions: 0,
            rejections: 0,
            confirmed_ms: null,
            summary: d.summary,
            text: d.summary,
          });
          addCase(key, dayOf(openedMs), 1);
          await evaluate(key, time);
          break;
        }
        case 'ContactLogged': {
          const d = event.data;
          change(caseId, (c) => ({
            contacts: c.contacts + (d.direction === 'inbound' ? 1 : 0),
            text: appendText(c.text, d.note),
          }));
          break;
        }
        case 'DiagnosisRecorded': {
          const d = event.data;
          change(caseId, (c) => ({
            text: appendText(c.text, `${d.symptoms} ${d.rootCause ?? ''}`.trim()),
          }));
          break;
        }
        case 'CaseLinkedToIssue': {
          const issueId = (event.data as { issueId: string }).issueId;
          const c = cases.get(caseId);
          // A case counts once: under the first issue it is linked to.
          if (!c || c.issue_id) break;
          const from = c.group_key;
          const to = issueGroup(issueId);
          cases.change(c, { group_key: to, issue_id: issueId });
          addCase(from, c.opened_day, -1);
          addCase(to, c.opened_day, 1);
          await evaluate(from, time);
          await evaluate(to, time);
          break;
        }
        case 'CaseResolved':
          change(caseId, (c) => ({ status: 'resolved', resolutions: c.resolutions + 1 }));
          break;
        case 'ResolutionConfirmed':
          change(caseId, (c) => ({ confirmed_ms: c.confirmed_ms ?? at }));
          break;
        case 'FollowUpCompleted': {
          const d = event.data;
          if (d.outcome === 'satisfied')
            change(caseId, (c) => ({ confirmed_ms: c.confirmed_ms ?? at }));
          if (d.outcome === 'not_fixed') change(caseId, (c) => ({ rejections: c.rejections + 1 }));
          break;
        }
        case 'ResolutionRejected':
          change(caseId, (c) => ({ rejections: c.rejections + 1 }));
          break;
        case 'CaseReopened':
          change(caseId, () => ({ status: 'open', confirmed_ms: null }));
          break;
        case 'CaseClosed':
          change(caseId, () => ({ status: 'closed' }));
          break;
        case 'IssueIdentified': {
          const d = event.data;
          const key = issueGroup(d.issueId);
          const identified = addGroup({
            ...NEW_GROUP,
            group_key: key,
            kind: 'issue',
            issue_id: d.issueId,
            product: d.product ?? null,
            category: d.category,
            title: d.title,
            issue_status: 'identified',
            appeared_at: time,
          });
          if (identified)
            await tx.execute(
              `INSERT INTO ri_groups (group_key, kind, issue_id, product, category, title, issue_status, spiking, transitions, appeared_at)
             VALUES (?, 'issue', ?, ?, ?, ?, 'identified', 0, 0, ?) ON CONFLICT (group_key) DO NOTHING`,
              [key, d.issueId, d.product, d.category, d.title, time],
            );
          const g = group(key);
          if (g) message(g, 'appeared', 'appeared', time, { description: d.description });
          break;
        }
        case 'IssueAcknowledged': {
          const d = event.data;
          const key = issueGroup(d.issueId);
          await tx.execute(
            `UPDATE ri_groups SET team = ?, owner = ?,
               issue_status = CASE WHEN issue_status = 'identified' THEN 'acknowledged' ELSE issue_status END
             WHERE group_key = ?`,
            [d.team, d.owner, key],
          );
          const g = group(key);
          if (g) {
            Object.assign(g, { team: d.team, owner: d.owner });
            if (g.issue_status === 'identified') g.issue_status = 'acknowledged';
            message(g, 'acknowledged', `acknowledged:${event.metadata.eventId}`, time, {
              team: d.team,
              owner: d.owner,
            });
          }
          break;
        }
        case 'FixShipped': {
          const d = event.data;
          const key = issueGroup(d.issueId);
          await tx.execute(
            "UPDATE ri_groups SET issue_status = 'fix_shipped', fix_release = ? WHERE group_key = ?",
            [d.release, key],
          );
          await tx.execute('UPDATE ri_tracker_links SET awaiting = 0 WHERE issue_id = ?', [
            d.issueId,
          ]);
          const g = group(key);
          if (g) Object.assign(g, { issue_status: 'fix_shipped', fix_release: d.release });
          if (g)
            message(g, 'fix-shipped', `fix-shipped:${event.metadata.eventId}`, time, {
              release: d.release,
              fix: d.description,
            });
          break;
        }
        case 'IssueClosed': {
          const key = issueGroup(event.streamId.slice('issue-'.length));
          await tx.execute("UPDATE ri_groups SET issue_status = 'closed' WHERE group_key = ?", [
            key,
          ]);
          const g = group(key);
          if (g) g.issue_status = 'closed';
          if (g) message(g, 'closed', `closed:${event.metadata.eventId}`, time);
          break;
        }
        case 'TrackerLinked': {
          const d = event.data;
          await upsertRows(
            tx,
            'ri_tracker_links',
            ['issue_id', 'link_id'],
            [
              {
                issue_id: d.issueId,
                link_id: d.linkId,
                tracker: d.tracker,
                ref: d.ref,
                url: d.url,
                on_done: d.onTrackerDone,
                state: null,
                done: 0,
                release: null,
                awaiting: 0,
                commented: 0,
                linked_at: d.linkedAt,
                changed_at: null,
              },
            ],
          );
          break;
        }
        case 'TrackerStateChanged': {
          const d = event.data;
          // Newly done: the fix waits for a click, unless a FixShipped follows (ship).
          await tx.execute(
            `UPDATE ri_tracker_links SET state = ?, release = ?, changed_at = ?,
               awaiting = CASE WHEN ? = 1 AND done = 0 THEN 1 WHEN ? = 0 THEN 0 ELSE awaiting END,
               done = ?
             WHERE issue_id = ? AND link_id = ?`,
            [
              d.state,
              d.release ?? null,
              d.changedAt,
              d.done ? 1 : 0,
              d.done ? 1 : 0,
              d.done ? 1 : 0,
              d.issueId,
              d.linkId,
            ],
          );
          break;
        }
        case 'TrackerCommented': {
          const d = event.data;
          await tx.execute(
            'UPDATE ri_tracker_links SET commented = 1 WHERE issue_id = ? AND link_id = ?',
            [d.issueId, d.linkId],
          );
          break;
        }
        case 'AccountDefined': {
          // The account as it stands now: its tier and revenue weigh every group it is in.
          const d = event.data;
          accounts.set(d.accountId, {
            account_id: d.accountId,
            name: d.name,
            tier: d.tier,
            amount: d.annualRevenue?.amount ?? null,
            currency: d.annualRevenue?.currency ?? null,
          });
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    }
    await upsertRows(tx, 'ri_accounts', ['account_id'], [...accounts.values()]);
    await cases.save(tx);
    await upsertRows(tx, 'ri_daily', ['group_key', 'day'], [...added.values()], 'add');
    if (watermark !== watermarkBefore)
      await tx.execute(
        `INSERT INTO ri_meta (name, value) VALUES ('watermark_ms', ?)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
        [watermark],
      );
    await enqueueOutbound(tx, outbound);
  },

  async forgetCustomer(tx: ReadTx, customerId: string) {
    // The text is what candidate issues are found by: an erased case joins none.
    await tx.execute("UPDATE ri_cases SET summary = ?, text = '' WHERE customer_id = ?", [
      ERASED,
      customerId,
    ]);
  },
});

const NEW_GROUP: Omit<GroupRow, 'group_key' | 'kind' | 'category' | 'title'> = {
  issue_id: null,
  product: null,
  issue_status: null,
  team: null,
  owner: null,
  fix_release: null,
  spiking: 0,
  transitions: 0,
  appeared_at: null,
  changed_at: null,
};

/** Cases opened per group and day, from `from` on: what the trend windows of a batch reach. */
class DailyCounts {
  private readonly byGroup = new Map<string, Map<string, number>>();

  constructor(readonly from: string) {}

  add(group: string, day: string, n: number): void {
    if (day < this.from) return;
    const days = this.byGroup.get(group) ?? new Map<string, number>();
    this.byGroup.set(group, days);
    days.set(day, (days.get(day) ?? 0) + n);
  }

  /** Cases in the window (windowFrom..asOf) and in the baseline before it. */
  sums(group: string, baselineFrom: string, windowFrom: string, asOf: string) {
    let window = 0;
    let baseline = 0;
    for (const [day, cases] of this.byGroup.get(group) ?? []) {
      if (day < baselineFrom || day > asOf) continue;
      if (day >= windowFrom) window += cases;
      else baseline += cases;
    }
    return { window, baseline };
  }
}

/** A row of `ri_accounts`: the account's latest version. */
export interface AccountRow {
  account_id: string;
  name: string;
  tier: string;
  amount: number | null;
  currency: string | null;
}

/** A row of `ri_cases`. */
interface CaseRow {
  case_id: string;
  customer_id: string;
  account_id: string | null;
  product: string | null;
  category: string;
  channel: string;
  opened_at: string;
  opened_ms: number;
  opened_day: string;
  group_key: string;
  issue_id: string | null;
  status: string;
  contacts: number;
  resolutions: number;
  rejections: number;
  confirmed_ms: number | null;
  summary: string;
  text: string;
}

/** The case's free text and more of it, cut at TEXT_LIMIT characters (not UTF-16 units). */
const appendText = (text: string, more: string): string => {
  const joined = `${text} ${more}`;
  // A string of at most TEXT_LIMIT UTF-16 units has at most that many characters.
  return joined.length <= TEXT_LIMIT ? joined : Array.from(joined).slice(0, TEXT_LIMIT).join('');
};
