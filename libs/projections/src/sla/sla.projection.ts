import {
  caseDecider,
  deadlineKey,
  deadlinesOf,
  erasePersonalFields,
  type CaseEvent,
  type CaseState,
  type SlaClock,
} from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import {
  chunks,
  enqueueOutbound,
  placeholders,
  queryIn,
  upsertRows,
  type OutboundMessage,
  type ReadTx,
} from '@heard/read-store';
import { isCaseEvent } from '../case-view/case-view.projection';
import type { Projection } from '../projection';
import { known } from '../shared/known-events';

interface SlaCaseRow {
  state: CaseState & { revision: number };
}

/**
 * The clocks of every case, for the scheduler, the SLA report and its attainment figures:
 * the domain's own fold of each case (kept without its personal text), and from it a row
 * per clock cycle, a row per promise, and the case's deadlines (what the scheduler records
 * next, and when). Warnings, breaches, heard's own escalations and broken promises go to
 * `sla-alerts`, each once (its message id is its event's).
 */
export const slaProjection: Projection = {
  name: 'sla',
  version: 1,
  tables: ['sla_policies', 'sla_cases', 'sla_clocks', 'sla_promises', 'sla_deadlines'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS sla_policies (
      policy_id  TEXT   NOT NULL,
      version    BIGINT NOT NULL,
      priority   BIGINT NOT NULL,
      terms      TEXT   NOT NULL,
      defined_at TEXT   NOT NULL,
      PRIMARY KEY (policy_id, version)
    );
    CREATE TABLE IF NOT EXISTS sla_cases (
      case_id     TEXT   PRIMARY KEY,
      customer_id TEXT   NOT NULL,
      status      TEXT   NOT NULL,
      revision    BIGINT NOT NULL,
      state       TEXT   NOT NULL
    );
    CREATE INDEX IF NOT EXISTS sla_cases_customer ON sla_cases (customer_id);
    CREATE TABLE IF NOT EXISTS sla_clocks (
      case_id        TEXT   NOT NULL,
      target         TEXT   NOT NULL,
      cycle          BIGINT NOT NULL,
      status         TEXT   NOT NULL,
      started_at     TEXT   NOT NULL,
      due_at         TEXT,
      warn_at        TEXT,
      warned         BIGINT NOT NULL,
      settled_at     TEXT,
      policy_id      TEXT   NOT NULL,
      policy_version BIGINT NOT NULL,
      agent_id       TEXT,
      team           TEXT,
      PRIMARY KEY (case_id, target, cycle)
    );
    CREATE INDEX IF NOT EXISTS sla_clocks_status ON sla_clocks (status, due_at);
    CREATE TABLE IF NOT EXISTS sla_promises (
      case_id    TEXT NOT NULL,
      promise_id TEXT NOT NULL,
      agent_id   TEXT NOT NULL,
      team       TEXT,
      due_at     TEXT NOT NULL,
      status     TEXT NOT NULL,
      settled_at TEXT,
      PRIMARY KEY (case_id, promise_id)
    );
    CREATE TABLE IF NOT EXISTS sla_deadlines (
      case_id      TEXT NOT NULL,
      deadline_key TEXT NOT NULL,
      due_at       TEXT NOT NULL,
      deadline     TEXT NOT NULL,
      PRIMARY KEY (case_id, deadline_key)
    );
    CREATE INDEX IF NOT EXISTS sla_deadlines_due ON sla_deadlines (due_at);`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const policies = known(events).flatMap((e) =>
      e.type === 'SlaPolicyDefined'
        ? [
            {
              policy_id: e.data.policyId,
              version: e.data.version,
              priority: e.data.priority,
              terms: JSON.stringify(e.data),
              defined_at: e.data.definedAt,
            },
          ]
        : [],
    );
    await upsertRows(tx, 'sla_policies', ['policy_id', 'version'], policies, 'keep');

    const caseEvents = events.filter(isCaseEvent);
    if (caseEvents.length === 0) return;
    const caseIds = [...new Set(caseEvents.map((e) => e.streamId.slice('case-'.length)))];
    const before = new Map<string, SlaCaseRow['state']>();
    for (const row of await queryIn<{ case_id: string; state: string }>(
      tx,
      'SELECT case_id, state FROM sla_cases WHERE case_id IN',
      caseIds,
    ))
      before.set(row.case_id, JSON.parse(row.state) as SlaCaseRow['state']);
    const states = new Map(before);
    const clocks = new Map<string, Record<string, unknown>>();
    const promises = new Map<string, Record<string, unknown>>();
    const outbound: OutboundMessage[] = [];

    for (const event of known(caseEvents)) {
      const caseId = event.streamId.slice('case-'.length);
      const prior = states.get(caseId) ?? { ...caseDecider.initialState(), revision: -1 };
      if (event.revision <= prior.revision) continue;
      const next = {
        ...caseDecider.evolve(prior, event as CaseEvent),
        revision: event.revision,
      };
      states.set(caseId, next);
      for (const clock of Object.values(next.sla?.targets ?? {}))
        if (JSON.stringify(clock) !== JSON.stringify(prior.sla?.targets[clock.target]))
          clocks.set(
            `${caseId}\u0000${clock.target}\u0000${clock.cycle}`,
            clockRow(caseId, next, clock),
          );
      for (const promise of Object.values(next.promises))
        if (JSON.stringify(promise) !== JSON.stringify(prior.promises?.[promise.promiseId]))
          promises.set(`${caseId}\u0000${promise.promiseId}`, {
            case_id: caseId,
            promise_id: promise.promiseId,
            agent_id: promise.agentId,
            team: next.holder.team ?? null,
            due_at: promise.dueAt,
            status: promise.status,
            settled_at: promise.keptAt ?? promise.brokenAt ?? null,
          });
      const alert = alertOf(event as RecordedEvent & CaseEvent, next);
      if (alert) outbound.push(alert);
    }

    await upsertRows(
      tx,
      'sla_cases',
      ['case_id'],
      [...states].map(([caseId, state]) => ({
        case_id: caseId,
        customer_id: state.customerId,
        status: state.status,
        revision: state.revision,
        // What the fold needs and no customer's words: nothing here to forget on erasure.
        state: JSON.stringify(erasePersonalFields(state)),
      })),
    );
    await upsertRows(tx, 'sla_clocks', ['case_id', 'target', 'cycle'], [...clocks.values()]);
    await upsertRows(tx, 'sla_promises', ['case_id', 'promise_id'], [...promises.values()]);
    const changed = caseIds.filter((id) => states.get(id) !== before.get(id));
    for (const some of chunks(changed, 500))
      await tx.execute(
        `DELETE FROM sla_deadlines WHERE case_id IN (${placeholders(some.length)})`,
        some,
      );
    await upsertRows(
      tx,
      'sla_deadlines',
      ['case_id', 'deadline_key'],
      changed.flatMap((caseId) =>
        deadlinesOf(states.get(caseId)!).map((d) => ({
          case_id: caseId,
          deadline_key: deadlineKey(d),
          due_at: d.dueAt,
          deadline: JSON.stringify(d),
        })),
      ),
    );
    await enqueueOutbound(tx, outbound);
  },
};

const clockRow = (caseId: string, state: CaseState, clock: SlaClock) => ({
  case_id: caseId,
  target: clock.target,
  cycle: clock.cycle,
  status: clock.status,
  started_at: clock.startedAt,
  due_at: clock.dueAt ?? null,
  warn_at: clock.warnAt ?? null,
  warned: clock.warned ? 1 : 0,
  settled_at: clock.metAt ?? clock.breachedAt ?? clock.stoppedAt ?? null,
  policy_id: state.sla!.policyId,
  policy_version: state.sla!.version,
  agent_id: state.holder.agentId ?? null,
  team: state.holder.team ?? null,
});

/** What `heard.sla-alerts` says of an event, if anything: for the agent who holds the case and their lead. */
const alertOf = (
  event: RecordedEvent & CaseEvent,
  state: CaseState,
): OutboundMessage | undefined => {
  const base = {
    caseId: state.caseId,
    customerId: state.customerId,
    ...(state.accountId ? { accountId: state.accountId } : {}),
    agentId: state.holder.agentId ?? null,
    team: state.holder.team ?? null,
    policyId: state.sla?.policyId ?? null,
    policyVersion: state.sla?.version ?? null,
  };
  const message = (what: string, time: string, data: Record<string, unknown>): OutboundMessage => ({
    id: `sla-alert:${what}:${event.metadata.eventId}`,
    topic: 'sla-alerts',
    type: `heard.sla-alert.${what}`,
    key: state.caseId,
    subject: `case-${state.caseId}`,
    time,
    data: { ...base, ...data },
  });
  switch (event.type) {
    case 'SlaWarningReached':
      return message('warning', event.data.warnedAt, {
        target: event.data.target,
        cycle: event.data.cycle,
        dueAt: event.data.dueAt,
      });
    case 'SlaTargetBreached':
      return message('breach', event.data.breachedAt, {
        target: event.data.target,
        cycle: event.data.cycle,
        dueAt: event.data.dueAt,
      });
    case 'CaseEscalated':
      if (!event.data.sla) return undefined;
      return message('escalation', event.data.escalatedAt, {
        target: event.data.sla.target,
        level: event.data.level,
        notifySales: event.data.notifySales,
      });
    case 'PromiseBroken':
      // The agent who made the promise is told, whoever holds the case now.
      return message('promise-broken', event.data.brokenAt, {
        promiseId: event.data.promiseId,
        agentId: event.data.agentId,
        dueAt: event.data.dueAt,
      });
    default:
      return undefined;
  }
};
