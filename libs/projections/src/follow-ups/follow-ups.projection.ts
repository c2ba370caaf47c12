import { ERASED } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import { enqueueOutbound, queryIn, type OutboundMessage } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import type { StoredFollowUpRow } from './follow-ups.queries';
import type { Projection } from '../projection';
import type { ReadTx } from '@heard/read-store';
import { known } from '../shared/known-events';

const caseIdOf = (event: RecordedEvent) => event.streamId.slice('case-'.length);

interface ShippedFix {
  eventId: string;
  release: string;
  description: string;
  credit: boolean;
  shippedAt: string;
}

/**
 * "You were heard": the follow-ups scheduled after each resolution (sent when due by the
 * scheduler, see enqueueDueFollowUps), a notice to every customer whose case is linked to an
 * issue when its fix ships, and a notice to each customer an incident affects. Notices go to
 * the outbox with ids derived from the trigger and the customer: one per customer per trigger,
 * whatever replays it.
 */
export const followUpsProjection: Projection = {
  name: 'follow_ups',
  version: 1,
  tables: ['follow_ups', 'fu_cases', 'fu_issue_cases', 'fu_issues', 'fu_incidents'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS follow_ups (
      case_id       TEXT    NOT NULL,
      follow_up_id  TEXT    NOT NULL,
      customer_id   TEXT    NOT NULL,
      product       TEXT,
      resolution    TEXT,
      scheduled_at  TEXT    NOT NULL,
      due_at        TEXT    NOT NULL,
      due_ms        BIGINT NOT NULL,
      status        TEXT    NOT NULL,
      cancel_reason TEXT,
      outcome       TEXT,
      csat          BIGINT,
      note          TEXT,
      completed_at  TEXT,
      trigger_id    TEXT    NOT NULL,
      PRIMARY KEY (case_id, follow_up_id)
    );
    CREATE INDEX IF NOT EXISTS follow_ups_by_status ON follow_ups (status, due_ms);
    CREATE INDEX IF NOT EXISTS follow_ups_by_customer ON follow_ups (customer_id);
    CREATE TABLE IF NOT EXISTS fu_cases (
      case_id     TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL,
      product     TEXT,
      summary     TEXT NOT NULL,
      resolution  TEXT
    );
    CREATE TABLE IF NOT EXISTS fu_issue_cases (
      issue_id    TEXT NOT NULL,
      case_id     TEXT NOT NULL,
      customer_id TEXT NOT NULL,
      PRIMARY KEY (issue_id, case_id)
    );
    CREATE TABLE IF NOT EXISTS fu_issues (
      issue_id TEXT PRIMARY KEY,
      title    TEXT NOT NULL,
      fixes    TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS fu_incidents (
      incident_id TEXT PRIMARY KEY,
      title       TEXT NOT NULL,
      product     TEXT,
      affected    TEXT NOT NULL
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const outbound: OutboundMessage[] = [];
    const issues = await issuesOf(tx, events);
    // The cases and follow-ups the batch names, in memory; written before a notice reads
    // them back, and at the end.
    const caseIds = events.filter((e) => e.streamId.startsWith('case-')).map(caseIdOf);
    const cases = await new BatchRows<CaseRow>('fu_cases', ['case_id']).load(
      tx,
      'case_id',
      caseIds,
    );
    const followUps = await new BatchRows<StoredFollowUpRow>('follow_ups', [
      'case_id',
      'follow_up_id',
    ]).load(tx, 'case_id', caseIds);
    const issueCases = new BatchRows<IssueCaseRow>('fu_issue_cases', ['issue_id', 'case_id']);
    const save = async () => {
      await cases.save(tx);
      await followUps.save(tx);
      await issueCases.save(tx);
    };
    for (const event of known(events)) {
      const at = event.metadata.occurredAt;
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          cases.insert({
            case_id: d.caseId,
            customer_id: d.customerId,
            product: d.product ?? null,
            summary: d.summary,
            resolution: null,
          });
          break;
        }
        case 'CaseResolved': {
          const d = event.data;
          const c = cases.get(d.caseId);
          if (c) cases.change(c, { resolution: d.resolution });
          break;
        }
        case 'FollowUpScheduled': {
          const d = event.data;
          const c = cases.get(d.caseId);
          if (!c) break;
          followUps.insert({
            case_id: d.caseId,
            follow_up_id: d.followUpId,
            customer_id: c.customer_id,
            product: c.product,
            resolution: c.resolution,
            scheduled_at: d.scheduledAt,
            due_at: d.dueAt,
            due_ms: Date.parse(d.dueAt),
            status: 'scheduled',
            cancel_reason: null,
            outcome: null,
            csat: null,
            note: null,
            completed_at: null,
            trigger_id: `follow-up:${d.caseId}:${d.followUpId}`,
          });
          break;
        }
        // The customer answered before we asked: no need to ask. A reopened case will be
        // resolved again, with a follow-up of its own.
        case 'ResolutionConfirmed':
        case 'CaseReopened': {
          const caseId = caseIdOf(event);
          const reason = event.type === 'ResolutionConfirmed' ? 'confirmed' : 'reopened';
          for (const f of followUps.filter((f) => f.case_id === caseId))
            if (f.status === 'scheduled' && f.due_ms > Date.parse(at))
              followUps.change(f, { status: 'cancelled', cancel_reason: reason });
          break;
        }
        case 'FollowUpCompleted': {
          const d = event.data;
          const f = followUps.get(d.caseId, d.followUpId);
          if (f)
            followUps.change(f, {
              status: 'completed',
              cancel_reason: null,
              outcome: d.outcome,
              csat: d.csat ?? null,
              note: d.note ?? null,
              completed_at: d.completedAt,
            });
          break;
        }
        case 'CaseLinkedToIssue': {
          const caseId = caseIdOf(event);
          const issueId = (event.data as { issueId: string }).issueId;
          const linked = cases.get(caseId);
          if (!linked) break;
          issueCases.insert({
            issue_id: issueId,
            case_id: caseId,
            customer_id: linked.customer_id,
          });
          // Linked after its fix shipped: this customer still hears about it.
          const issue = issues.get(issueId);
          if (!issue?.fixes.some((fix) => fix.credit)) break;
          await save();
          for (const fix of issue.fixes)
            if (fix.credit)
              outbound.push(
                ...(await fixNotices(tx, issueId, issue.title, fix, [linked.customer_id])),
              );
          break;
        }
        case 'IssueIdentified': {
          const d = event.data;
          await tx.execute(
            `INSERT INTO fu_issues (issue_id, title, fixes) VALUES (?, ?, '[]') ON CONFLICT (issue_id) DO NOTHING`,
            [d.issueId, d.title],
          );
          if (!issues.has(d.issueId)) issues.set(d.issueId, { title: d.title, fixes: [] });
          break;
        }
        case 'FixShipped': {
          const d = event.data;
          const issue = issues.get(d.issueId);
          if (!issue) break;
          const fix: ShippedFix = {
            eventId: event.metadata.eventId,
            release: d.release,
            description: d.description,
            credit: d.creditCustomers,
            shippedAt: d.shippedAt,
          };
          issue.fixes = [...issue.fixes, fix];
          await tx.execute('UPDATE fu_issues SET fixes = ? WHERE issue_id = ?', [
            JSON.stringify(issue.fixes),
            d.issueId,
          ]);
          if (!fix.credit) break;
          await save();
          const customers = await tx.query<{ customer_id: string }>(
            'SELECT DISTINCT customer_id FROM fu_issue_cases WHERE issue_id = ? ORDER BY customer_id',
            [d.issueId],
          );
          outbound.push(
            ...(await fixNotices(
              tx,
              d.issueId,
              issue.title,
              fix,
              customers.map((c) => c.customer_id),
            )),
          );
          break;
        }
        case 'IncidentDeclared': {
          const d = event.data;
          const affected = [...new Set(d.affectedCustomerIds)];
          await tx.execute(
            `INSERT INTO fu_incidents (incident_id, title, product, affected) VALUES (?, ?, ?, ?)
             ON CONFLICT (incident_id) DO NOTHING`,
            [d.incidentId, d.title, d.product, JSON.stringify(affected)],
          );
          for (const customerId of affected)
            outbound.push({
              id: `incident-declared:${event.metadata.eventId}:${customerId}`,
              topic: 'follow-ups',
              type: 'heard.notice.incident-declared',
              key: customerId,
              subject: event.streamId,
              time: d.declaredAt,
              data: {
                customerId,
                incidentId: d.incidentId,
                title: d.title,
                product: d.product,
                message: d.message,
              },
            });
          break;
        }
        case 'IncidentResolved': {
          const d = event.data;
          const [incident] = await tx.query<{ title: string; affected: string }>(
            'SELECT title, affected FROM fu_incidents WHERE incident_id = ?',
            [d.incidentId],
          );
          if (!incident) break;
          for (const customerId of JSON.parse(incident.affected) as string[])
            outbound.push({
              id: `incident-resolved:${event.metadata.eventId}:${customerId}`,
              topic: 'follow-ups',
              type: 'heard.notice.incident-resolved',
              key: customerId,
              subject: event.streamId,
              time: d.resolvedAt,
              data: {
                customerId,
                incidentId: d.incidentId,
                title: incident.title,
                message: d.note ?? `Resolved: ${incident.title}`,
              },
            });
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    }
    await save();
    await enqueueOutbound(tx, outbound);
  },

  async forgetCustomer(tx: ReadTx, customerId: string) {
    const erased = (column: string) =>
      `${column} = CASE WHEN ${column} IS NULL THEN NULL ELSE ? END`;
    await tx.execute(
      `UPDATE follow_ups SET ${erased('resolution')}, ${erased('note')} WHERE customer_id = ?`,
      [ERASED, ERASED, customerId],
    );
    await tx.execute(
      `UPDATE fu_cases SET summary = ?, ${erased('resolution')} WHERE customer_id = ?`,
      [ERASED, ERASED, customerId],
    );
  },
};

interface CaseRow {
  case_id: string;
  customer_id: string;
  product: string | null;
  summary: string;
  resolution: string | null;
}

interface IssueCaseRow {
  issue_id: string;
  case_id: string;
  customer_id: string;
}

/** The issues the batch links cases to or ships fixes for, as stored before it. */
const issuesOf = async (tx: ReadTx, events: RecordedEvent[]) => {
  const ids = known(events).flatMap((e) =>
    e.type === 'CaseLinkedToIssue' || e.type === 'FixShipped'
      ? [(e.data as { issueId: string }).issueId]
      : [],
  );
  const rows = await queryIn<{ issue_id: string; title: string; fixes: string }>(
    tx,
    'SELECT issue_id, title, fixes FROM fu_issues WHERE issue_id IN',
    ids,
  );
  return new Map(
    rows.map((r) => [r.issue_id, { title: r.title, fixes: JSON.parse(r.fixes) as ShippedFix[] }]),
  );
};

/** One "you were heard" notice per customer, naming the fix and crediting their report. */
const fixNotices = async (
  tx: ReadTx,
  issueId: string,
  title: string,
  fix: ShippedFix,
  customerIds: string[],
): Promise<OutboundMessage[]> => {
  if (customerIds.length === 0) return [];
  const [count] = await tx.query<{ n: number }>(
    'SELECT COUNT(DISTINCT customer_id) AS n FROM fu_issue_cases WHERE issue_id = ?',
    [issueId],
  );
  const reporters = count?.n ?? customerIds.length;
  const messages: OutboundMessage[] = [];
  for (const customerId of customerIds) {
    const cases = await tx.query<{ case_id: string; summary: string }>(
      `SELECT c.case_id, c.summary FROM fu_issue_cases l JOIN fu_cases c ON c.case_id = l.case_id
       WHERE l.issue_id = ? AND l.customer_id = ? ORDER BY c.case_id`,
      [issueId, customerId],
    );
    messages.push({
      id: `fix-shipped:${fix.eventId}:${customerId}`,
      topic: 'follow-ups',
      type: 'heard.notice.fix-shipped',
      key: customerId,
      subject: `issue-${issueId}`,
      time: fix.shippedAt,
      data: {
        customerId,
        issueId,
        issueTitle: title,
        release: fix.release,
        fix: fix.description,
        caseIds: cases.map((c) => c.case_id),
        reportedBy: reporters,
        message:
          `You told us: "${cases[0]?.summary ?? title}". You were heard: ` +
          `${reporters > 1 ? `with ${reporters - 1} other customer${reporters > 2 ? 's' : ''}, ` : ''}` +
          `your report led to a fix, shipped in ${fix.release}: ${fix.description}`,
      },
    });
  }
  return messages;
};
