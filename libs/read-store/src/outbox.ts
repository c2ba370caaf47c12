import { chunks, placeholders, SqlFilter, type ReadStore, type ReadTx } from './read-store.port';

/** The outbound topics, by their name under the topic prefix. */
export const OUTBOUND_TOPICS = [
  'issue-trends',
  'follow-ups',
  'account-alerts',
  'sla-alerts',
] as const;
export type OutboundTopic = (typeof OUTBOUND_TOPICS)[number];

/** A message heard owes the outside world: a trend change, a notice, an alert. */
export interface OutboundMessage {
  /**
   * Derived from its trigger (the event, the follow-up, the day of a trend change), never
   * random: replaying the events (a rebuild) derives the same id, which is already here.
   */
  id: string;
  topic: OutboundTopic;
  /** CloudEvent type, `heard.<topic-ish>.<what>`. */
  type: string;
  /** Partition key: the customer of a notice, the account of an alert, the group of a trend. */
  key: string;
  subject: string;
  /** Business time of the trigger. */
  time: string;
  data: Record<string, unknown>;
}

export interface StoredOutboundMessage extends OutboundMessage {
  seq: number;
  createdAt: string;
  sentAt: string | null;
}

/**
 * The outbox: every message the projections and the scheduler decided to send, written in
 * the same transaction as the rows that decided it. It belongs to no projection, so a
 * rebuild never empties it: it is the ledger of what heard has told (or will tell) whom.
 * Its table is made and changed by the read store's migrations (schema.ts).
 */

/**
 * Adds the messages whose id is new, in order; returns those added. Ids already present
 * (sent or not) are skipped by the database itself (ON CONFLICT DO NOTHING), so two
 * writers adding the same trigger at once add it once; the database numbers them (`seq`).
 */
export const enqueueOutbound = async (
  tx: ReadTx,
  messages: OutboundMessage[],
  now = new Date().toISOString(),
): Promise<OutboundMessage[]> => {
  const seen = new Set<string>();
  const unique = messages.filter((m) => !seen.has(m.id) && (seen.add(m.id), true));
  const added = new Set<string>();
  for (const chunk of chunks(unique, 100))
    for (const row of await tx.query<{ message_id: string }>(
      `INSERT INTO outbound_messages (message_id, topic, type, msg_key, subject, occurred_at, data, created_at)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      chunk.flatMap((m) => [
        m.id,
        m.topic,
        m.type,
        m.key,
        m.subject,
        m.time,
        JSON.stringify(m.data),
        now,
      ]),
    ))
      added.add(row.message_id);
  return unique.filter((m) => added.has(m.id));
};

interface OutboundRow {
  message_id: string;
  seq: number;
  topic: string;
  type: string;
  msg_key: string;
  subject: string;
  occurred_at: string;
  data: string;
  created_at: string;
  sent_at: string | null;
}

const fromRow = (r: OutboundRow): StoredOutboundMessage => ({
  id: r.message_id,
  seq: r.seq,
  topic: r.topic as OutboundTopic,
  type: r.type,
  key: r.msg_key,
  subject: r.subject,
  time: r.occurred_at,
  data: JSON.parse(r.data) as Record<string, unknown>,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/**
 * Claims up to `limit` messages not yet sent and not claimed by another relay (or whose
 * claim ran out), oldest first, for `claimMs`: two relays never send the same message at
 * once. A relay takes its own claims again (a send that failed is retried). The UPDATE
 * checks the claim again itself, so of two relays racing for a row only one gets it.
 */
export const claimOutbound = async (
  store: ReadStore,
  relay: string,
  limit: number,
  claimMs: number,
  now = Date.now(),
): Promise<StoredOutboundMessage[]> => {
  const freeOrMine =
    'sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)';
  const rows = await store.transaction((tx) =>
    store.dialect === 'postgres'
      ? // Rows another relay is claiming right now are skipped, not waited for (and then found
        // taken). The pick is materialised: as a plain IN (…) subquery, PostgreSQL may run it
        // again while updating, and each run skips what the last locked, so one claim took every
        // pending message instead of `limit`.
        tx.query<OutboundRow>(
          `WITH picked AS MATERIALIZED (
             SELECT message_id FROM outbound_messages WHERE ${freeOrMine}
             ORDER BY seq LIMIT ? FOR UPDATE SKIP LOCKED)
           UPDATE outbound_messages SET claimed_by = ?, claimed_until = ?
           WHERE message_id IN (SELECT message_id FROM picked) AND ${freeOrMine}
           RETURNING *`,
          [now, relay, limit, relay, now + claimMs, now, relay],
        )
      : // SQLite has one writer at a time: nothing to skip.
        tx.query<OutboundRow>(
          `UPDATE outbound_messages SET claimed_by = ?, claimed_until = ?
           WHERE message_id IN (SELECT message_id FROM outbound_messages WHERE ${freeOrMine} ORDER BY seq LIMIT ?)
             AND ${freeOrMine}
           RETURNING *`,
          [relay, now + claimMs, now, relay, limit, now, relay],
        ),
  );
  return rows.map(fromRow).sort((a, b) => a.seq - b.seq);
};

export const markOutboundSent = (store: ReadStore, ids: string[], sentAt: string) =>
  store.transaction(async (tx) => {
    for (const chunk of chunks(ids, 500))
      await tx.execute(
        `UPDATE outbound_messages SET sent_at = ?, claimed_by = NULL, claimed_until = NULL
         WHERE message_id IN (${placeholders(chunk.length)})`,
        [sentAt, ...chunk],
      );
  });

interface OutboundFilter {
  topic?: OutboundTopic;
  type?: string;
  key?: string;
  subject?: string;
  status?: 'pending' | 'sent';
  /** Only messages after this seq (paging). */
  after?: number;
  limit: number;
}

/** The ledger, oldest first, for GET /messages and for analysts. */
export const readOutbound = async (
  store: ReadStore,
  filter: OutboundFilter,
): Promise<StoredOutboundMessage[]> => {
  const where = new SqlFilter()
    .add('seq > ?', filter.after ?? 0)
    .when(filter.topic, 'topic = ?')
    .when(filter.type, 'type = ?')
    .when(filter.key, 'msg_key = ?')
    .when(filter.subject, 'subject = ?');
  if (filter.status)
    where.add(filter.status === 'sent' ? 'sent_at IS NOT NULL' : 'sent_at IS NULL');
  const rows = await store.query<OutboundRow>(
    `SELECT * FROM outbound_messages ${where.where} ORDER BY seq LIMIT ?`,
    [...where.params, filter.limit],
  );
  return rows.map(fromRow);
};
