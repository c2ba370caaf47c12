import { ERASED } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, type OutboundMessage } from '@heard/read-store';
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
  version: 1,
  tables: ['ri_cases', 'ri_daily', 'ri_groups', 'ri_meta'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS ri_cases (
      case_id      TEXT    PRIMARY KEY,
      customer_id  TEXT    NOT NULL,
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

    const group = async (key: string) =>
      (await tx.query<GroupRow>('SELECT * FROM ri_groups WHERE group_key = ?', [key]))[0];

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
      const g = await group(key);
      if (!g) return;
      const asOf = dayOf(watermark);
      const { windowFrom, baselineFrom } = trendWindow(asOf, rule);
      const [sums] = await tx.query<{ w: number | null; b: number | null }>(
        `SELECT SUM(CASE WHEN day >= ? THEN cases ELSE 0 END) AS w,
                SUM(CASE WHEN day < ? THEN cases ELSE 0 END) AS b
         FROM ri_daily WHERE group_key = ? AND day >= ? AND day <= ?`,
        [windowFrom, windowFrom, key, baselineFrom, asOf],
      );
      const reading = readTrend(asOf, sums?.w ?? 0, sums?.b ?? 0, rule);
      if (g.kind === 'unlinked' && !g.appeared_at && reading.recurring) {
        message(g, 'appeared', 'appeared', time, { trend: reading, rule: describeSpikeRule(rule) });
        await tx.execute('UPDATE ri_groups SET appeared_at = ? WHERE group_key = ?', [time, key]);
      }
      const spiking = g.spiking === 1 ? stillSpiking(reading, rule) : reading.spiking;
      if (spiking !== (g.spiking === 1)) {
        const what = spiking ? 'spiking' : 'calmed';
        // Numbered per group: the same events replayed number their changes the same way.
        const n = g.transitions + 1;
        message(g, what, `${n}:${what}`, time, { trend: reading, rule: describeSpikeRule(rule) });
        await tx.execute(
          'UPDATE ri_groups SET spiking = ?, transitions = ?, changed_at = ? WHERE group_key = ?',
          [spiking ? 1 : 0, n, time, key],
        );
      }
    };

    const addCase = (key: string, day: string, n: number) =>
      tx.execute(
        `INSERT INTO ri_daily (group_key, day, cases) VALUES (?, ?, ?)
         ON CONFLICT (group_key, day) DO UPDATE SET cases = ri_daily.cases + excluded.cases`,
        [key, day, n],
      );

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
          for (const g of await tx.query<{ group_key: string }>(
            'SELECT group_key FROM ri_groups WHERE spiking = 1 ORDER BY group_key',
          ))
            await evaluate(g.group_key, time);
      }
      const caseId = event.streamId.startsWith('case-') ? event.streamId.slice(5) : '';
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          const key = unlinkedGroup(d.product, d.category);
          const openedMs = Date.parse(d.openedAt);
          await tx.execute(
            `INSERT INTO ri_groups (group_key, kind, product, category, title, spiking, transitions)
             VALUES (?, 'unlinked', ?, ?, ?, 0, 0) ON CONFLICT (group_key) DO NOTHING`,
            [key, d.product, d.category, `${d.product ?? '(no product)'}: ${d.category}`],
          );
          await tx.execute(
            `INSERT INTO ri_cases (case_id, customer_id, product, category, channel, opened_at, opened_ms, opened_day,
               group_key, status, contacts, resolutions, rejections, summary, text)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 0, 0, 0, ?, ?) ON CONFLICT (case_id) DO NOTHING`,
            [
              d.caseId,
              d.customerId,
              d.product,
              d.category,
              d.channel,
              d.openedAt,
              openedMs,
              dayOf(openedMs),
              key,
              d.summary,
              d.summary,
            ],
          );
          await addCase(key, dayOf(openedMs), 1);
          await evaluate(key, time);
          break;
        }
        case 'ContactLogged': {
          const d = event.data;
          await tx.execute(
            `UPDATE ri_cases SET contacts = contacts + ?, text = substr(text || ' ' || ?, 1, ${TEXT_LIMIT}) WHERE case_id = ?`,
            [d.direction === 'inbound' ? 1 : 0, d.note, caseId],
          );
          break;
        }
        case 'DiagnosisRecorded': {
          const d = event.data;
          await tx.execute(
            `UPDATE ri_cases SET text = substr(text || ' ' || ?, 1, ${TEXT_LIMIT}) WHERE case_id = ?`,
            [`${d.symptoms} ${d.rootCause ?? ''}`.trim(), caseId],
          );
          break;
        }
        case 'CaseLinkedToIssue': {
          const issueId = (event.data as { issueId: string }).issueId;
          const [c] = await tx.query<{
            group_key: string;
            opened_day: string;
            issue_id: string | null;
          }>('SELECT group_key, opened_day, issue_id FROM ri_cases WHERE case_id = ?', [caseId]);
          // A case counts once: under the first issue it is linked to.
          if (!c || c.issue_id) break;
          const to = issueGroup(issueId);
          await tx.execute('UPDATE ri_cases SET group_key = ?, issue_id = ? WHERE case_id = ?', [
            to,
            issueId,
            caseId,
          ]);
          await addCase(c.group_key, c.opened_day, -1);
          await addCase(to, c.opened_day, 1);
          await evaluate(c.group_key, time);
          await evaluate(to, time);
          break;
        }
        case 'CaseResolved':
          await tx.execute(
            "UPDATE ri_cases SET status = 'resolved', resolutions = resolutions + 1 WHERE case_id = ?",
            [caseId],
          );
          break;
        case 'ResolutionConfirmed':
          await tx.execute(
            'UPDATE ri_cases SET confirmed_ms = COALESCE(confirmed_ms, ?) WHERE case_id = ?',
            [at, caseId],
          );
          break;
        case 'FollowUpCompleted': {
          const d = event.data;
          if (d.outcome === 'satisfied')
            await tx.execute(
              'UPDATE ri_cases SET confirmed_ms = COALESCE(confirmed_ms, ?) WHERE case_id = ?',
              [at, caseId],
            );
          if (d.outcome === 'not_fixed')
            await tx.execute('UPDATE ri_cases SET rejections = rejections + 1 WHERE case_id = ?', [
              caseId,
            ]);
          break;
        }
        case 'ResolutionRejected':
          await tx.execute('UPDATE ri_cases SET rejections = rejections + 1 WHERE case_id = ?', [
            caseId,
          ]);
          break;
        case 'CaseReopened':
          await tx.execute(
            "UPDATE ri_cases SET status = 'open', confirmed_ms = NULL WHERE case_id = ?",
            [caseId],
          );
          break;
        case 'CaseClosed':
          await tx.execute("UPDATE ri_cases SET status = 'closed' WHERE case_id = ?", [caseId]);
          break;
        case 'IssueIdentified': {
          const d = event.data;
          const key = issueGroup(d.issueId);
          await tx.execute(
            `INSERT INTO ri_groups (group_key, kind, issue_id, product, category, title, issue_status, spiking, transitions, appeared_at)
             VALUES (?, 'issue', ?, ?, ?, ?, 'identified', 0, 0, ?) ON CONFLICT (group_key) DO NOTHING`,
            [key, d.issueId, d.product, d.category, d.title, time],
          );
          const g = await group(key);
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
          const g = await group(key);
          if (g)
            message(g, 'acknowledged', `acknowledged:${event.metadata.eventId}`, time, {
              team: d.team,
              owner: d.owner,
            });
          break;
        }
        case 'FixShipped': {
          const d = event.data;
          const key = issueGroup(d.issueId);
          await tx.execute(
            "UPDATE ri_groups SET issue_status = 'fix_shipped', fix_release = ? WHERE group_key = ?",
            [d.release, key],
          );
          const g = await group(key);
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
          const g = await group(key);
          if (g) message(g, 'closed', `closed:${event.metadata.eventId}`, time);
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    }
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
