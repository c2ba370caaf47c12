import { erasePersonalFields, type CaseEvent } from '@heard/domain';
import type { Checkpoint, RecordedEvent } from '@heard/event-store';
import { isCaseEvent } from '../case-view/case-view.projection';
import type { Projection } from '../projection';
import { queryIn, upsertRows, type ReadStore, type ReadTx } from '@heard/read-store';
import {
  emptySummary,
  presentSummary,
  summarizeCaseEvent,
  type CustomerSummary,
  type CustomerSummaryDoc,
} from './customer-summary';
import { headlineOf } from './headline';
import { known } from '../shared/known-events';

interface TimelineEntry {
  /** The event store's position of the event (opaque; newer entries have greater ones). */
  position: Checkpoint;
  caseId: string | null;
  type: string;
  occurredAt: string;
  actor: string;
  headline: string;
  details: Record<string, unknown>;
}

export interface TimelinePage {
  customerId: string;
  summary: CustomerSummary;
  entries: TimelineEntry[];
  /** Pass as `cursor` to read the next, older page; null on the last page. */
  nextCursor: string | null;
}

/**
 * Every event of every case of a customer (and the incidents that named them), newest
 * first (by when it happened, or as recorded), with a summary of what we already know so that an agent confirms, not asks.
 */
export const timelineProjection: Projection = {
  name: 'customer_timeline',
  // 2: positions are opaque text
  version: 2,
  tables: ['timeline_entries', 'timeline_cases', 'customer_summaries'],
  schema: (dialect) => `
    CREATE TABLE IF NOT EXISTS timeline_entries (
      customer_id TEXT    NOT NULL,
      position    TEXT    NOT NULL,
      case_id     TEXT,
      type        TEXT    NOT NULL,
      occurred_at TEXT    NOT NULL,
      actor       TEXT    NOT NULL,
      headline    TEXT    NOT NULL,
      details     TEXT    NOT NULL,
      PRIMARY KEY (customer_id, position)
    );
    CREATE INDEX IF NOT EXISTS timeline_entries_by_time
      ON timeline_entries (customer_id, occurred_at, position);
    CREATE TABLE IF NOT EXISTS timeline_cases (
      case_id     TEXT PRIMARY KEY,
      customer_id TEXT NOT NULL
    )${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''};
    CREATE TABLE IF NOT EXISTS customer_summaries (
      customer_id TEXT PRIMARY KEY,
      summary     TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const customerOfCase = new Map<string, string>();
    const newCases: Array<[string, string]> = [];
    for (const event of known(events))
      if (event.type === 'CaseOpened') {
        const d = event.data as { caseId: string; customerId: string };
        customerOfCase.set(d.caseId, d.customerId);
        newCases.push([d.caseId, d.customerId]);
      }
    const unknownCases = [
      ...new Set(
        events
          .filter(isCaseEvent)
          .map((e) => e.streamId.slice('case-'.length))
          .filter((id) => !customerOfCase.has(id)),
      ),
    ];
    for (const row of await queryIn<{ case_id: string; customer_id: string }>(
      tx,
      'SELECT case_id, customer_id FROM timeline_cases WHERE case_id IN',
      unknownCases,
    ))
      customerOfCase.set(row.case_id, row.customer_id);

    const entries: Array<{ customerId: string; entry: TimelineEntry }> = [];
    const summaries = new Map<string, CustomerSummaryDoc>();
    const touched = new Set<string>();
    const addEntry = (customerId: string, entry: TimelineEntry) => {
      entries.push({ customerId, entry });
      touched.add(customerId);
    };
    for (const event of known(events)) {
      const { kind, id, via } = event.metadata.actor;
      // "agent:ana via crm-app": the agent, and the upstream app that acted for them.
      const actor = `${kind}:${id}${via ? ` via ${via}` : ''}`;
      if (isCaseEvent(event)) {
        const caseId = event.streamId.slice('case-'.length);
        const customerId = customerOfCase.get(caseId);
        if (!customerId) continue;
        const { caseId: _c, ...details } = event.data as Record<string, unknown>;
        addEntry(customerId, {
          position: event.position,
          caseId,
          type: event.type,
          occurredAt: event.metadata.occurredAt,
          actor,
          headline: headlineOf({ type: event.type, data: event.data } as CaseEvent),
          details,
        });
      } else if (event.type === 'IncidentDeclared') {
        const d = event.data;
        for (const customerId of d.affectedCustomerIds)
          addEntry(customerId, {
            position: event.position,
            caseId: null,
            type: event.type,
            occurredAt: event.metadata.occurredAt,
            actor,
            headline: `Incident declared: ${d.title}. We told you: ${d.message}`,
            details: {
              incidentId: d.incidentId,
              title: d.title,
              product: d.product,
              message: d.message,
            },
          });
      }
    }
    if (entries.length === 0) return;

    for (const row of await queryIn<{ customer_id: string; summary: string }>(
      tx,
      'SELECT customer_id, summary FROM customer_summaries WHERE customer_id IN',
      [...touched],
    ))
      summaries.set(row.customer_id, JSON.parse(row.summary) as CustomerSummaryDoc);
    for (const { customerId, entry } of entries) {
      let doc = summaries.get(customerId);
      if (!doc) summaries.set(customerId, (doc = emptySummary(customerId)));
      if (entry.caseId)
        summarizeCaseEvent(
          doc,
          entry.caseId,
          { type: entry.type, data: entry.details } as CaseEvent,
          entry.occurredAt,
        );
      else
        doc.incidents = [
          {
            incidentId: String(entry.details.incidentId),
            title: String(entry.details.title),
            declaredAt: entry.occurredAt,
          },
          ...doc.incidents,
        ];
    }
    // Many rows per statement: per-statement overhead dominates a rebuild. `keep`: a replayed
    // batch (never expected) cannot duplicate an entry.
    await upsertRows(
      tx,
      'timeline_entries',
      ['customer_id', 'position'],
      entries.map(({ customerId, entry }) => ({
        customer_id: customerId,
        position: entry.position,
        case_id: entry.caseId,
        type: entry.type,
        occurred_at: entry.occurredAt,
        actor: entry.actor,
        headline: entry.headline,
        details: JSON.stringify(entry.details),
      })),
      'keep',
    );
    await upsertRows(
      tx,
      'timeline_cases',
      ['case_id'],
      newCases.map(([case_id, customer_id]) => ({ case_id, customer_id })),
      'keep',
    );
    const now = new Date().toISOString();
    await upsertRows(
      tx,
      'customer_summaries',
      ['customer_id'],
      [...summaries].map(([customer_id, doc]) => ({
        customer_id,
        summary: JSON.stringify(doc),
        updated_at: now,
      })),
    );
  },

  async forgetCustomer(tx: ReadTx, customerId: string) {
    const entries = await tx.query<{
      position: string;
      case_id: string | null;
      type: string;
      details: string;
    }>(
      'SELECT position, case_id, type, details FROM timeline_entries WHERE customer_id = ? AND case_id IS NOT NULL',
      [customerId],
    );
    for (const entry of entries) {
      const details = erasePersonalFields(JSON.parse(entry.details) as Record<string, unknown>);
      const headline = headlineOf({
        type: entry.type,
        data: { ...details, caseId: entry.case_id },
      } as CaseEvent);
      await tx.execute(
        'UPDATE timeline_entries SET headline = ?, details = ? WHERE customer_id = ? AND position = ?',
        [headline, JSON.stringify(details), customerId, entry.position],
      );
    }
    const [summary] = await tx.query<{ summary: string }>(
      'SELECT summary FROM customer_summaries WHERE customer_id = ?',
      [customerId],
    );
    if (summary)
      await tx.execute('UPDATE customer_summaries SET summary = ? WHERE customer_id = ?', [
        JSON.stringify(erasePersonalFields(JSON.parse(summary.summary))),
        customerId,
      ]);
  },
};

/**
 * The timeline's orders: `occurred` (when things happened, newest first: what an agent reads)
 * or `recorded` (the store's order: events recorded late, such as a contact logged the next
 * day, come first).
 */
export const TIMELINE_ORDERS = ['occurred', 'recorded'] as const;
export type TimelineOrder = (typeof TIMELINE_ORDERS)[number];

/** Where a page ended: the next page starts after it. */
export interface TimelineCursor {
  order: TimelineOrder;
  position: Checkpoint;
  /** Set in the `occurred` order. */
  occurredAt?: string;
}

const encodeCursor = (cursor: TimelineCursor) =>
  Buffer.from(
    cursor.order === 'recorded'
      ? `p:${cursor.position}`
      : `o:${cursor.occurredAt}|${cursor.position}`,
  ).toString('base64url');

/** A nextCursor of readTimeline back; undefined when it is none. */
export const decodeCursor = (cursor: string): TimelineCursor | undefined => {
  const text = Buffer.from(cursor, 'base64url').toString();
  const recorded = /^p:([\w:.-]{1,100})$/.exec(text);
  if (recorded) return { order: 'recorded', position: recorded[1]! };
  const occurred = /^o:([\d:.TZ+-]{10,40})\|([\w:.-]{1,100})$/.exec(text);
  if (occurred) return { order: 'occurred', occurredAt: occurred[1]!, position: occurred[2]! };
  return undefined;
};

/** A page of the timeline, newest first; undefined when the customer has no history. */
export const readTimeline = async (
  store: ReadStore,
  customerId: string,
  options: { limit: number; order?: TimelineOrder; after?: TimelineCursor },
): Promise<TimelinePage | undefined> => {
  const order = options.order ?? 'occurred';
  const [summaryRow] = await store.query<{ summary: string }>(
    'SELECT summary FROM customer_summaries WHERE customer_id = ?',
    [customerId],
  );
  if (!summaryRow) return undefined;
  const after = options.after;
  // Ties in time (events of one command) keep the store's order.
  const [where, params] =
    after === undefined
      ? ['', []]
      : order === 'recorded'
        ? ['AND position < ?', [after.position]]
        : [
            'AND (occurred_at < ? OR (occurred_at = ? AND position < ?))',
            [after.occurredAt, after.occurredAt, after.position],
          ];
  const rows = await store.query<{
    position: Checkpoint;
    case_id: string | null;
    type: string;
    occurred_at: string;
    actor: string;
    headline: string;
    details: string;
  }>(
    `SELECT position, case_id, type, occurred_at, actor, headline, details FROM timeline_entries
     WHERE customer_id = ? ${where}
     ORDER BY ${order === 'recorded' ? 'position DESC' : 'occurred_at DESC, position DESC'} LIMIT ?`,
    [customerId, ...params, options.limit + 1],
  );
  const page = rows.slice(0, options.limit);
  return {
    customerId,
    summary: presentSummary(JSON.parse(summaryRow.summary) as CustomerSummaryDoc),
    entries: page.map((r) => ({
      position: r.position,
      caseId: r.case_id,
      type: r.type,
      occurredAt: r.occurred_at,
      actor: r.actor,
      headline: r.headline,
      details: JSON.parse(r.details) as Record<string, unknown>,
    })),
    nextCursor:
      rows.length > options.limit
        ? encodeCursor({
            order,
            position: page[page.length - 1]!.position,
            occurredAt: page[page.length - 1]!.occurred_at,
          })
        : null,
  };
};
