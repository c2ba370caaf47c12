import { enqueueOutbound } from '@heard/read-store';
import { SqlFilter, type ReadStore } from '@heard/read-store';

export const FOLLOW_UP_STATUSES = ['scheduled', 'due', 'sent', 'completed', 'cancelled'] as const;
type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** A row of `follow_ups`, as the projection writes it. */
export interface StoredFollowUpRow {
  case_id: string;
  follow_up_id: string;
  customer_id: string;
  product: string | null;
  resolution: string | null;
  scheduled_at: string;
  due_at: string;
  due_ms: number;
  status: string;
  cancel_reason: string | null;
  outcome: string | null;
  csat: number | null;
  note: string | null;
  completed_at: string | null;
  trigger_id: string;
}

/** With its message's times from the outbox. */
interface FollowUpRow extends StoredFollowUpRow {
  queued_at: string | null;
  sent_at: string | null;
}

interface FollowUp {
  followUpId: string;
  caseId: string;
  customerId: string;
  product: string | null;
  resolution: string | null;
  scheduledAt: string;
  dueAt: string;
  /** scheduled (not due yet), due (waiting for the customer's answer), completed, cancelled. */
  status: 'scheduled' | 'due' | 'completed' | 'cancelled';
  /** Why it was not needed: the customer confirmed first, or the case was reopened. */
  cancelReason: string | null;
  /** When its trigger went to the follow-ups topic (null: not yet). */
  triggerSentAt: string | null;
  outcome: string | null;
  csat: number | null;
  note: string | null;
  completedAt: string | null;
}

export interface FollowUpPage {
  followUps: FollowUp[];
  nextCursor: string | null;
}

const present = (r: FollowUpRow, nowMs: number): FollowUp => ({
  followUpId: r.follow_up_id,
  caseId: r.case_id,
  customerId: r.customer_id,
  product: r.product,
  resolution: r.resolution,
  scheduledAt: r.scheduled_at,
  dueAt: r.due_at,
  status:
    r.status === 'scheduled'
      ? r.due_ms <= nowMs
        ? 'due'
        : 'scheduled'
      : (r.status as 'completed' | 'cancelled'),
  cancelReason: r.cancel_reason,
  triggerSentAt: r.sent_at,
  outcome: r.outcome,
  csat: r.csat,
  note: r.note,
  completedAt: r.completed_at,
});

const encodeCursor = (r: FollowUpRow) =>
  Buffer.from(JSON.stringify([r.due_ms, r.case_id, r.follow_up_id])).toString('base64url');

export const decodeFollowUpCursor = (cursor: string): [number, string, string] | undefined => {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string'
    )
      return value as [number, string, string];
  } catch {
    // not ours: undefined below
  }
  return undefined;
};

/** Follow-ups by status, soonest due first. */
export const readFollowUps = async (
  store: ReadStore,
  options: {
    status?: FollowUpStatus;
    customerId?: string;
    caseId?: string;
    nowMs: number;
    limit: number;
    after?: [number, string, string];
  },
): Promise<FollowUpPage> => {
  const filter = new SqlFilter();
  switch (options.status) {
    case 'scheduled':
      filter.add("f.status = 'scheduled' AND f.due_ms > ?", options.nowMs);
      break;
    case 'due':
      filter.add("f.status = 'scheduled' AND f.due_ms <= ?", options.nowMs);
      break;
    case 'sent':
      filter.add("f.status = 'scheduled' AND o.sent_at IS NOT NULL");
      break;
    case 'completed':
    case 'cancelled':
      filter.add('f.status = ?', options.status);
      break;
    case undefined:
      break;
  }
  filter.when(options.customerId, 'f.customer_id = ?').when(options.caseId, 'f.case_id = ?');
  if (options.after) {
    const [dueMs, caseId, followUpId] = options.after;
    filter.add(
      '(f.due_ms > ? OR (f.due_ms = ? AND (f.case_id > ? OR (f.case_id = ? AND f.follow_up_id > ?))))',
      dueMs,
      dueMs,
      caseId,
      caseId,
      followUpId,
    );
  }
  const rows = await store.query<FollowUpRow>(
    `SELECT f.*, o.created_at AS queued_at, o.sent_at AS sent_at
     FROM follow_ups f LEFT JOIN outbound_messages o ON o.message_id = f.trigger_id
     ${filter.where}
     ORDER BY f.due_ms, f.case_id, f.follow_up_id LIMIT ?`,
    [...filter.params, options.limit + 1],
  );
  const page = rows.slice(0, options.limit);
  return {
    followUps: page.map((r) => present(r, options.nowMs)),
    nextCursor: rows.length > options.limit ? encodeCursor(page[page.length - 1]!) : null,
  };
};

/**
 * Queues the trigger of every follow-up that came due and is still wanted, once: the
 * trigger's id is the follow-up's, so a second pass (or a rebuild) finds it queued.
 * Returns how many it queued.
 */
export const enqueueDueFollowUps = async (
  store: ReadStore,
  nowMs: number,
  limit = 500,
): Promise<number> => {
  let queued = 0;
  for (;;) {
    const added = await store.transaction(async (tx) => {
      const due = await tx.query<FollowUpRow>(
        `SELECT f.* FROM follow_ups f LEFT JOIN outbound_messages o ON o.message_id = f.trigger_id
         WHERE f.status = 'scheduled' AND f.due_ms <= ? AND o.message_id IS NULL
         ORDER BY f.due_ms LIMIT ?`,
        [nowMs, limit],
      );
      const fresh = await enqueueOutbound(
        tx,
        due.map((f) => ({
          id: f.trigger_id,
          topic: 'follow-ups' as const,
          type: 'heard.follow-up.due',
          key: f.customer_id,
          subject: `case-${f.case_id}`,
          time: f.due_at,
          data: {
            followUpId: f.follow_up_id,
            caseId: f.case_id,
            customerId: f.customer_id,
            product: f.product,
            resolution: f.resolution,
            dueAt: f.due_at,
            message: `Did it work? We ${f.resolution ? `resolved your case with: ${f.resolution}` : 'resolved your case'}.`,
            // Where the notification app records the answer (outcome, csat, note).
            completion: `/cases/${f.case_id}/follow-ups/${f.follow_up_id}/completion`,
          },
        })),
      );
      return { fresh: fresh.length, seen: due.length };
    });
    queued += added.fresh;
    if (added.seen < limit) return queued;
  }
};

/**
 * Who a shipped fix of the issue would tell: every customer with a case linked to it (one
 * notice each, as the follow-ups projection sends them), and their cases.
 */
export const readFixNoticeAudience = async (
  store: ReadStore,
  issueId: string,
): Promise<{ issueId: string; customers: number; cases: number }> => {
  const [row] = await store.query<{ customers: number | string; cases: number | string }>(
    `SELECT COUNT(DISTINCT customer_id) AS customers, COUNT(*) AS cases
     FROM fu_issue_cases WHERE issue_id = ?`,
    [issueId],
  );
  return { issueId, customers: Number(row?.customers ?? 0), cases: Number(row?.cases ?? 0) };
};
