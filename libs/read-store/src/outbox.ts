import { chunks, placeholders, SqlFilter, type ReadStore, type ReadTx } from './read-store.port';

/** The outbound topics, by their name under the topic prefix. */
export const OUTBOUND_TOPICS = ['issue-trends', 'follow-ups', 'account-alerts'] as const;
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
 */
export const OUTBOX_DDL = `
CREATE TABLE IF NOT EXISTS outbound_messages (
  message_id  TEXT    PRIMARY KEY,
  seq         INTEGER NOT NULL UNIQUE,
  topic       TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  msg_key     TEXT    NOT NULL,
  subject     TEXT    NOT NULL,
  occurred_at TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  created_at  TEXT    NOT NULL,
  sent_at     TEXT
);
CREATE INDEX IF NOT EXISTS outbound_messages_pending ON outbound_messages (sent_at, seq);
CREATE INDEX IF NOT EXISTS outbound_messages_by_topic ON outbound_messages (topic, msg_key, seq);`;

/**
 * Adds the messages whose id is new, in order; returns those added. Ids already present
 * (sent or not) are skipped: one message per trigger, whatever replays the trigger.
 */
export const enqueueOutbound = async (
  tx: ReadTx,
  messages: OutboundMessage[],
  now = new Date().toISOString(),
): Promise<OutboundMessage[]> => {
  if (messages.length === 0) return [];
  const known = new Set<string>();
  for (const chunk of chunks([...new Set(messages.map((m) => m.id))], 500))
    for (const row of await tx.query<{ message_id: string }>(
      `SELECT message_id FROM outbound_messages WHERE message_id IN (${placeholders(chunk.length)})`,
      chunk,
    ))
      known.add(row.message_id);
  const fresh = messages.filter((m) => !known.has(m.id) && (known.add(m.id), true));
  if (fresh.length === 0) return [];
  const [last] = await tx.query<{ seq: number | null }>(
    'SELECT MAX(seq) AS seq FROM outbound_messages',
  );
  let seq = last?.seq ?? 0;
  for (const chunk of chunks(fresh, 100))
    await tx.execute(
      `INSERT INTO outbound_messages (message_id, seq, topic, type, msg_key, subject, occurred_at, data, created_at)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((m) => [
        m.id,
        ++seq,
        m.topic,
        m.type,
        m.key,
        m.subject,
        m.time,
        JSON.stringify(m.data),
        now,
      ]),
    );
  return fresh;
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

/** Messages not yet acknowledged by the transport, oldest first. */
export const pendingOutbound = async (
  store: ReadStore,
  limit: number,
): Promise<StoredOutboundMessage[]> =>
  (
    await store.query<OutboundRow>(
      'SELECT * FROM outbound_messages WHERE sent_at IS NULL ORDER BY seq LIMIT ?',
      [limit],
    )
  ).map(fromRow);

export const markOutboundSent = (store: ReadStore, ids: string[], sentAt: string) =>
  store.transaction(async (tx) => {
    for (const chunk of chunks(ids, 500))
      await tx.execute(
        `UPDATE outbound_messages SET sent_at = ? WHERE message_id IN (${placeholders(chunk.length)})`,
        [sentAt, ...chunk],
      );
  });

export interface OutboundFilter {
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
