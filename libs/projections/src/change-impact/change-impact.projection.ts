import type { RecordedEvent } from '@heard/event-store';
import type { Projection } from '../projection';
import { upsertRows, type ReadStore, type ReadTx } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import { round } from '../shared/numbers';
import { DAY_MS, dayOf } from '../shared/time';
import { known } from '../shared/known-events';

/**
 * Every inbound contact (the one that opened a case, and each inbound contact after it)
 * with its time, channel and the case's category and product; and every announced change.
 * Change impact is a count of contacts in equal windows on either side of a change.
 */
export const changeImpactProjection: Projection = {
  name: 'change_impact',
  // 2: positions are opaque text
  version: 2,
  tables: ['ci_contacts', 'ci_cases', 'ci_changes'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS ci_contacts (
      position  TEXT    PRIMARY KEY,
      case_id   TEXT    NOT NULL,
      at_ms     BIGINT NOT NULL,
      day       TEXT    NOT NULL,
      channel   TEXT    NOT NULL,
      category  TEXT    NOT NULL,
      product   TEXT,
      opening   BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ci_contacts_by_time ON ci_contacts (at_ms);
    CREATE TABLE IF NOT EXISTS ci_cases (
      case_id  TEXT PRIMARY KEY,
      category TEXT NOT NULL,
      product  TEXT
    );
    CREATE TABLE IF NOT EXISTS ci_changes (
      change_id    TEXT    PRIMARY KEY,
      kind         TEXT    NOT NULL,
      description  TEXT    NOT NULL,
      product      TEXT,
      effective_at TEXT    NOT NULL,
      effective_ms BIGINT NOT NULL,
      announced_at TEXT    NOT NULL
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    // The category and product of each case the batch's contacts name, and its contacts,
    // written once at the end.
    const cases = await new BatchRows<CaseRow>('ci_cases', ['case_id']).load(
      tx,
      'case_id',
      known(events).flatMap((e) =>
        e.type === 'ContactLogged' || e.type === 'CaseOpened' ? [e.data.caseId] : [],
      ),
    );
    const contacts: ContactRow[] = [];
    const contact = (
      event: RecordedEvent,
      c: CaseRow,
      atIso: string,
      channel: string,
      opening: boolean,
    ) => {
      const at = Date.parse(atIso);
      contacts.push({
        position: event.position,
        case_id: c.case_id,
        at_ms: at,
        day: dayOf(at),
        channel,
        category: c.category,
        product: c.product,
        opening: opening ? 1 : 0,
      });
    };
    for (const event of known(events))
      switch (event.type) {
        case 'CaseOpened': {
          const d = event.data;
          const opened = { case_id: d.caseId, category: d.category, product: d.product ?? null };
          cases.insert(opened);
          contact(event, opened, d.openedAt, d.channel, true);
          break;
        }
        case 'ContactLogged': {
          const d = event.data;
          const c = cases.get(d.caseId);
          if (d.direction === 'inbound' && c) contact(event, c, d.contactedAt, d.channel, false);
          break;
        }
        case 'ChangeAnnounced': {
          const d = event.data;
          await tx.execute(
            `INSERT INTO ci_changes (change_id, kind, description, product, effective_at, effective_ms, announced_at)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (change_id) DO NOTHING`,
            [
              d.changeId,
              d.kind,
              d.description,
              d.product,
              d.effectiveAt,
              Date.parse(d.effectiveAt),
              d.announcedAt,
            ],
          );
          break;
        }
        default:
          // Events this projection does not read.
          break;
      }
    await cases.save(tx);
    await upsertRows(tx, 'ci_contacts', ['position'], contacts, 'keep');
  },
};

interface CaseRow {
  case_id: string;
  category: string;
  product: string | null;
}

interface ContactRow {
  position: string;
  case_id: string;
  at_ms: number;
  day: string;
  channel: string;
  category: string;
  product: string | null;
  opening: number;
}

interface ImpactCount {
  before: number;
  after: number;
  difference: number;
  /** (after - before) / before, rounded to 0.1%; null when there was none before. */
  changePct: number | null;
}

export interface ChangeImpact {
  change: {
    changeId: string;
    kind: string;
    description: string;
    product: string | null;
    effectiveAt: string;
  };
  windowDays: number;
  before: { from: string; to: string };
  after: { from: string; to: string };
  /** False while the after window is still running (contacts seen up to `observedUntil`). */
  afterWindowComplete: boolean;
  observedUntil: string | null;
  /** Contacts counted: the change's product only, or every product for a change without one. */
  scope: string;
  total: ImpactCount;
  byCategory: Array<{ category: string } & ImpactCount>;
  byChannel: Array<{ channel: string } & ImpactCount>;
  byCategoryAndChannel: Array<{ category: string; channel: string } & ImpactCount>;
}

const count = (before: number, after: number): ImpactCount => ({
  before,
  after,
  difference: after - before,
  changePct: before > 0 ? round(((after - before) / before) * 100, 1) : null,
});

/** Contacts in the `windowDays` before the change took effect and the same span after it. */
export const readChangeImpact = async (
  store: ReadStore,
  changeId: string,
  windowDays: number,
): Promise<ChangeImpact | undefined> => {
  const [change] = await store.query<{
    change_id: string;
    kind: string;
    description: string;
    product: string | null;
    effective_at: string;
    effective_ms: number;
  }>('SELECT * FROM ci_changes WHERE change_id = ?', [changeId]);
  if (!change) return undefined;
  const span = windowDays * DAY_MS;
  const start = change.effective_ms - span;
  const end = change.effective_ms + span;
  const rows = await store.query<{
    category: string;
    channel: string;
    before: number;
    after: number;
  }>(
    `SELECT category, channel,
            SUM(CASE WHEN at_ms < ? THEN 1 ELSE 0 END) AS before,
            SUM(CASE WHEN at_ms >= ? THEN 1 ELSE 0 END) AS after
     FROM ci_contacts WHERE at_ms >= ? AND at_ms < ? ${change.product ? 'AND product = ?' : ''}
     GROUP BY category, channel ORDER BY category, channel`,
    [
      change.effective_ms,
      change.effective_ms,
      start,
      end,
      ...(change.product ? [change.product] : []),
    ],
  );
  const [latest] = await store.query<{ at_ms: number | null }>(
    'SELECT MAX(at_ms) AS at_ms FROM ci_contacts',
  );
  const sumBy = (keyOf: (r: (typeof rows)[number]) => string) => {
    const sums = new Map<string, { before: number; after: number }>();
    for (const r of rows) {
      const s = sums.get(keyOf(r)) ?? { before: 0, after: 0 };
      s.before += r.before;
      s.after += r.after;
      sums.set(keyOf(r), s);
    }
    return [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, s]) => ({ key, ...count(s.before, s.after) }));
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    change: {
      changeId: change.change_id,
      kind: change.kind,
      description: change.description,
      product: change.product,
      effectiveAt: change.effective_at,
    },
    windowDays,
    before: { from: iso(start), to: iso(change.effective_ms) },
    after: { from: iso(change.effective_ms), to: iso(end) },
    afterWindowComplete: (latest?.at_ms ?? 0) >= end,
    observedUntil: latest?.at_ms ? iso(latest.at_ms) : null,
    scope: change.product ? `product ${change.product}` : 'all products',
    total: count(
      rows.reduce((n, r) => n + r.before, 0),
      rows.reduce((n, r) => n + r.after, 0),
    ),
    byCategory: sumBy((r) => r.category).map(({ key, ...c }) => ({ category: key, ...c })),
    byChannel: sumBy((r) => r.channel).map(({ key, ...c }) => ({ channel: key, ...c })),
    byCategoryAndChannel: rows.map((r) => ({
      category: r.category,
      channel: r.channel,
      ...count(r.before, r.after),
    })),
  };
};

export interface AnnouncedChange {
  changeId: string;
  kind: string;
  description: string;
  product: string | null;
  effectiveAt: string;
}

/** Every change announced, the newest first: what a change-impact report can be asked about. */
export const readChanges = async (store: ReadStore, limit: number): Promise<AnnouncedChange[]> => {
  const rows = await store.query<{
    change_id: string;
    kind: string;
    description: string;
    product: string | null;
    effective_at: string;
  }>(
    `SELECT change_id, kind, description, product, effective_at FROM ci_changes
     ORDER BY effective_ms DESC, change_id LIMIT ?`,
    [limit],
  );
  return rows.map((r) => ({
    changeId: r.change_id,
    kind: r.kind,
    description: r.description,
    product: r.product,
    effectiveAt: r.effective_at,
  }));
};
