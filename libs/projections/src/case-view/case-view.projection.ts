import { caseDecider, erasePersonalFields, type CaseEvent, type CaseState } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import type { Projection } from '../projection';
import { placeholders, queryIn, upsertRows, type ReadStore, type ReadTx } from '@heard/read-store';

interface CaseViewRow {
  case_id: string;
  customer_id: string;
  account_id: string | null;
  status: string;
  category: string;
  product: string | null;
  holder_agent_id: string | null;
  holder_team: string | null;
  opened_at: string;
  updated_at: string;
  revision: number;
  state: string;
}

/** A case as it stands now: the domain's own fold of its stream, plus columns to query by. */
export interface CaseView extends CaseState {
  revision: number;
}

export const isCaseEvent = (event: RecordedEvent): event is RecordedEvent<CaseEvent['data']> =>
  event.streamId.startsWith('case-');

export const caseViewProjection: Projection = {
  name: 'case_view',
  // 2: the state has promises, waiting and the SLA clocks
  version: 2,
  tables: ['case_view'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS case_view (
      case_id         TEXT PRIMARY KEY,
      customer_id     TEXT NOT NULL,
      account_id      TEXT,
      status          TEXT NOT NULL,
      category        TEXT NOT NULL,
      product         TEXT,
      holder_agent_id TEXT,
      holder_team     TEXT,
      opened_at       TEXT NOT NULL,
      updated_at      TEXT NOT NULL,
      revision        BIGINT NOT NULL,
      state           TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS case_view_customer ON case_view (customer_id);
    CREATE INDEX IF NOT EXISTS case_view_account ON case_view (account_id);
    CREATE INDEX IF NOT EXISTS case_view_status ON case_view (status, category);`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const caseEvents = events.filter(isCaseEvent);
    if (caseEvents.length === 0) return;
    const states = new Map<string, CaseView>();
    const caseIds = [...new Set(caseEvents.map((e) => e.streamId.slice('case-'.length)))];
    for (const row of await queryIn<{ case_id: string; state: string }>(
      tx,
      'SELECT case_id, state FROM case_view WHERE case_id IN',
      caseIds,
    ))
      states.set(row.case_id, JSON.parse(row.state) as CaseView);
    for (const event of caseEvents) {
      const caseId = event.streamId.slice('case-'.length);
      const before = states.get(caseId) ?? { ...caseDecider.initialState(), revision: -1 };
      if (event.revision <= before.revision) continue;
      const after = caseDecider.evolve(before, { type: event.type, data: event.data } as CaseEvent);
      states.set(caseId, { ...after, revision: event.revision });
    }
    await upsertRows(
      tx,
      'case_view',
      ['case_id'],
      [...states].map(([caseId, view]) => ({
        case_id: caseId,
        customer_id: view.customerId,
        account_id: view.accountId,
        status: view.status,
        category: view.category,
        product: view.product,
        holder_agent_id: view.holder.agentId,
        holder_team: view.holder.team,
        opened_at: view.openedAt ?? '',
        updated_at: view.lastActivityAt ?? view.openedAt ?? '',
        revision: view.revision,
        state: JSON.stringify(view),
      })),
    );
  },

  async forgetCustomer(tx: ReadTx, customerId: string) {
    const rows = await tx.query<{ case_id: string; state: string }>(
      'SELECT case_id, state FROM case_view WHERE customer_id = ?',
      [customerId],
    );
    for (const row of rows)
      await tx.execute('UPDATE case_view SET state = ? WHERE case_id = ?', [
        JSON.stringify(erasePersonalFields(JSON.parse(row.state))),
        row.case_id,
      ]);
  },
};

export const findCaseView = async (
  store: ReadStore,
  caseId: string,
): Promise<CaseView | undefined> => {
  const [row] = await store.query<{ state: string }>(
    'SELECT state FROM case_view WHERE case_id = ?',
    [caseId],
  );
  return row ? (JSON.parse(row.state) as CaseView) : undefined;
};

export interface CustomerMatch {
  customerId: string;
  accountIds: string[];
  cases: Array<{
    caseId: string;
    status: string;
    category: string;
    product: string | null;
    openedAt: string;
  }>;
}

/**
 * The customers a term names: as their customer id, one of their accounts, or one of their
 * cases (exact ids, as an agent reads them off a ticket or the CRM), each with their cases.
 */
export const findCustomers = async (
  store: ReadStore,
  term: string,
  limit: number,
): Promise<CustomerMatch[]> => {
  const customers = await store.query<{ customer_id: string }>(
    `SELECT customer_id FROM case_view WHERE customer_id = ?
     UNION SELECT customer_id FROM case_view WHERE account_id = ?
     UNION SELECT customer_id FROM case_view WHERE case_id = ?
     ORDER BY customer_id LIMIT ?`,
    [term, term, term, limit],
  );
  if (customers.length === 0) return [];
  const ids = customers.map((c) => c.customer_id);
  const rows = await store.query<CaseViewRow>(
    `SELECT case_id, customer_id, account_id, status, category, product, opened_at
     FROM case_view WHERE customer_id IN (${placeholders(ids.length)})
     ORDER BY customer_id, opened_at DESC, case_id`,
    ids,
  );
  return ids.map((customerId) => {
    const own = rows.filter((r) => r.customer_id === customerId);
    return {
      customerId,
      accountIds: [...new Set(own.flatMap((r) => (r.account_id ? [r.account_id] : [])))],
      cases: own.map((r) => ({
        caseId: r.case_id,
        status: r.status,
        category: r.category,
        product: r.product,
        openedAt: r.opened_at,
      })),
    };
  });
};
