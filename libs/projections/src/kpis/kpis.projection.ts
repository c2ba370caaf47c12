import { BUILT_IN_KPI_DEFINITIONS, KPI_NAMES, type KpiName } from '@heard/domain';
import type { RecordedEvent } from '@heard/event-store';
import type { Projection } from '../projection';
import { SqlFilter, type ReadStore, type ReadTx } from '@heard/read-store';
import { BatchRows } from '../shared/batch-rows';
import { round } from '../shared/numbers';
import { DAY_MS, dayOf, isoWeekOf } from '../shared/time';
import { known } from '../shared/known-events';

/** Team of a case nobody handed to a team. */
const FIRST_LINE = 'first-line';

/**
 * One row per case with what its outcome KPIs need. A case counts for the team that held it
 * when it was first resolved (the last team handed to, else first-line), for the agent who
 * first resolved it (before that, the agent working it), its product, and the ISO week it
 * was opened.
 */
export const kpisProjection: Projection = {
  name: 'outcome_kpis',
  // 2: the facts the KPI definitions' windows and thresholds read, and the definitions.
  version: 2,
  tables: ['kpi_cases', 'kpi_definitions'],
  schema: () => `
    CREATE TABLE IF NOT EXISTS kpi_cases (
      case_id                     TEXT    PRIMARY KEY,
      customer_id                 TEXT    NOT NULL,
      product                     TEXT,
      week                        TEXT    NOT NULL,
      opened_day                  TEXT    NOT NULL,
      opened_ms                   BIGINT NOT NULL,
      team                        TEXT    NOT NULL,
      agent                       TEXT,
      resolved                    BIGINT NOT NULL,
      first_resolved_ms           BIGINT,
      contacts_before_resolution  BIGINT NOT NULL,
      handovers                   BIGINT NOT NULL,
      handovers_before_resolution BIGINT NOT NULL,
      reopens                     BIGINT NOT NULL,
      first_apology_ms            BIGINT,
      apologies                   BIGINT NOT NULL,
      third_party_apologies       BIGINT NOT NULL,
      confirmed_ms                BIGINT,
      follow_ups_completed        BIGINT NOT NULL,
      satisfied                   BIGINT NOT NULL,
      csat_sum                    BIGINT NOT NULL,
      csat_count                  BIGINT NOT NULL,
      inbound_contacts            BIGINT NOT NULL,
      first_reopened_ms           BIGINT,
      repeat_case_opened_ms       BIGINT,
      csat_1                      BIGINT NOT NULL,
      csat_2                      BIGINT NOT NULL,
      csat_3                      BIGINT NOT NULL,
      csat_4                      BIGINT NOT NULL,
      csat_5                      BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kpi_cases_by_day ON kpi_cases (opened_day);
    CREATE INDEX IF NOT EXISTS kpi_cases_by_customer ON kpi_cases (customer_id, first_resolved_ms);
    CREATE TABLE IF NOT EXISTS kpi_definitions (
      kpi        TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      parameters TEXT    NOT NULL,
      note       TEXT,
      defined_at TEXT    NOT NULL,
      defined_by TEXT    NOT NULL,
      PRIMARY KEY (kpi, version)
    );`,

  async apply(events: RecordedEvent[], tx: ReadTx) {
    const cases = await kpiCasesOf(tx, events);
    for (const event of known(events)) {
      if (event.type === 'KpiDefined') {
        const d = event.data;
        await tx.execute(
          `INSERT INTO kpi_definitions (kpi, version, parameters, note, defined_at, defined_by)
           VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kpi, version) DO NOTHING`,
          [
            d.kpi,
            d.version,
            JSON.stringify(d.parameters),
            d.note,
            d.definedAt,
            event.metadata.actor.id,
          ],
        );
        continue;
      }
      if (!event.streamId.startsWith('case-')) continue;
      const caseId = event.streamId.slice('case-'.length);
      const at = Date.parse(event.metadata.occurredAt);
      if (event.type === 'CaseOpened') {
        const d = event.data;
        const opened = Date.parse(d.openedAt);
        cases.insert({
          ...NEW_CASE,
          case_id: d.caseId,
          customer_id: d.customerId,
          product: d.product ?? null,
          week: isoWeekOf(opened),
          opened_day: dayOf(opened),
          opened_ms: opened,
          team: FIRST_LINE,
          agent: d.openedBy ?? null,
        });
        // The customer's first new case after each earlier case's resolution: a repeat.
        for (const other of cases.filter((c) => c.customer_id === d.customerId))
          if (
            other.case_id !== d.caseId &&
            other.first_resolved_ms !== null &&
            other.first_resolved_ms <= opened &&
            other.repeat_case_opened_ms === null
          )
            cases.change(other, { repeat_case_opened_ms: opened });
        continue;
      }
      const c = cases.get(caseId);
      if (!c) continue;
      const unresolved = c.resolved === 0;
      // Before the first resolution the case belongs to whoever works it.
      const working = (agentId: string) => (unresolved ? agentId : c.agent);
      switch (event.type) {
        case 'ContactLogged': {
          const d = event.data as { direction: string; agentId: string };
          const inbound = d.direction === 'inbound';
          cases.change(c, {
            contacts_before_resolution:
              c.contacts_before_resolution + (inbound && unresolved ? 1 : 0),
            inbound_contacts: c.inbound_contacts + (inbound ? 1 : 0),
            agent: c.agent ?? d.agentId,
          });
          break;
        }
        case 'ApologyIssued': {
          const d = event.data;
          cases.change(c, {
            apologies: c.apologies + 1,
            third_party_apologies: c.third_party_apologies + (d.fault === 'third_party' ? 1 : 0),
            first_apology_ms: c.first_apology_ms ?? at,
            agent: c.agent ?? d.agentId,
          });
          break;
        }
        case 'CaseHandedOver': {
          const d = event.data;
          cases.change(c, {
            handovers: c.handovers + 1,
            handovers_before_resolution: c.handovers_before_resolution + (unresolved ? 1 : 0),
            team: d.toTeam && unresolved ? d.toTeam : c.team,
            agent: d.toAgentId ? working(d.toAgentId) : c.agent,
          });
          break;
        }
        case 'CaseResolved':
          cases.change(c, {
            agent: working(event.data.agentId),
            first_resolved_ms: c.first_resolved_ms ?? at,
            resolved: 1,
          });
          break;
        case 'ResolutionConfirmed':
          cases.change(c, { confirmed_ms: c.confirmed_ms ?? at });
          break;
        case 'CaseReopened':
          cases.change(c, {
            reopens: c.reopens + 1,
            confirmed_ms: null,
            first_reopened_ms: c.first_reopened_ms ?? at,
          });
          break;
        case 'FollowUpCompleted': {
          const d = event.data;
          const satisfied = d.outcome === 'satisfied';
          const scored = (score: number) => (d.csat === score ? 1 : 0);
          cases.change(c, {
            follow_ups_completed: c.follow_ups_completed + 1,
            satisfied: c.satisfied + (satisfied ? 1 : 0),
            csat_sum: c.csat_sum + (d.csat ?? 0),
            csat_count: c.csat_count + (d.csat === undefined ? 0 : 1),
            csat_1: c.csat_1 + scored(1),
            csat_2: c.csat_2 + scored(2),
            csat_3: c.csat_3 + scored(3),
            csat_4: c.csat_4 + scored(4),
            csat_5: c.csat_5 + scored(5),
            confirmed_ms: satisfied ? (c.confirmed_ms ?? at) : c.confirmed_ms,
          });
          break;
        }
        default:
          if ('agentId' in (event.data as object)) {
            const agentId = (event.data as { agentId?: unknown }).agentId;
            if (typeof agentId === 'string') cases.change(c, { agent: c.agent ?? agentId });
          }
      }
    }
    await cases.save(tx);
  },
};

/** A row of `kpi_cases`: the facts of one case that the KPI definitions read. */
interface KpiCaseRow {
  case_id: string;
  customer_id: string;
  product: string | null;
  week: string;
  opened_day: string;
  opened_ms: number;
  team: string;
  agent: string | null;
  resolved: number;
  first_resolved_ms: number | null;
  contacts_before_resolution: number;
  handovers: number;
  handovers_before_resolution: number;
  reopens: number;
  first_apology_ms: number | null;
  apologies: number;
  third_party_apologies: number;
  confirmed_ms: number | null;
  follow_ups_completed: number;
  satisfied: number;
  csat_sum: number;
  csat_count: number;
  inbound_contacts: number;
  first_reopened_ms: number | null;
  repeat_case_opened_ms: number | null;
  csat_1: number;
  csat_2: number;
  csat_3: number;
  csat_4: number;
  csat_5: number;
}

const NEW_CASE: Omit<
  KpiCaseRow,
  'case_id' | 'customer_id' | 'product' | 'week' | 'opened_day' | 'opened_ms' | 'team' | 'agent'
> = {
  resolved: 0,
  first_resolved_ms: null,
  contacts_before_resolution: 0,
  handovers: 0,
  handovers_before_resolution: 0,
  reopens: 0,
  first_apology_ms: null,
  apologies: 0,
  third_party_apologies: 0,
  confirmed_ms: null,
  follow_ups_completed: 0,
  satisfied: 0,
  csat_sum: 0,
  csat_count: 0,
  inbound_contacts: 0,
  first_reopened_ms: null,
  repeat_case_opened_ms: null,
  csat_1: 0,
  csat_2: 0,
  csat_3: 0,
  csat_4: 0,
  csat_5: 0,
};

/**
 * The cases of one batch: those its events name, and every case of the customers who open
 * one (for repeats).
 */
const kpiCasesOf = async (tx: ReadTx, events: RecordedEvent[]) => {
  const ids: string[] = [];
  const customers: string[] = [];
  for (const event of known(events)) {
    if (!event.streamId.startsWith('case-')) continue;
    ids.push(event.streamId.slice('case-'.length));
    if (event.type === 'CaseOpened') customers.push(event.data.customerId);
  }
  const cases = new BatchRows<KpiCaseRow>('kpi_cases', ['case_id']);
  await cases.load(tx, 'case_id', ids);
  return cases.load(tx, 'customer_id', customers);
};

export const KPI_DIMENSIONS = ['team', 'agent', 'product', 'week'] as const;
type KpiDimension = (typeof KPI_DIMENSIONS)[number];

interface KpiRow {
  /** The team, agent, product or week; null for cases without one (no product, no agent yet). */
  key: string | null;
  cases: number;
  resolved: number;
  /** Share of resolved cases solved without another inbound contact, handover or reopen. */
  firstContactResolution: number | null;
  /** Inbound contacts after the opening one, before the first resolution, per resolved case. */
  repeatContactsBeforeResolution: number | null;
  handoversPerCase: number | null;
  /** Share of resolved cases reopened at least once (rejected, "not fixed", or reopened). */
  reopenRate: number | null;
  /** Mean hours from opening to the first apology, over cases with one. */
  hoursToFirstApology: number | null;
  /** Mean hours from opening to the confirmation that held (customer or follow-up). */
  hoursToConfirmedFix: number | null;
  /** Mean CSAT (1 to 5) of completed follow-ups that gave one. */
  satisfaction: number | null;
  followUpsCompleted: number;
  satisfiedShare: number | null;
  /** Share of apologies that named a third party's fault. */
  thirdPartyApologyShare: number | null;
}

export interface KpiReport {
  by: KpiDimension;
  period: { from: string | null; to: string | null };
  /** The definition (and version) each KPI was computed with. */
  definitions: KpiDefinitionVersion[];
  overall: KpiRow;
  rows: KpiRow[];
}

interface Sums {
  key: string | null;
  cases: number;
  resolved: number;
  fcr: number;
  repeat_contacts: number;
  handovers: number;
  reopened: number;
  apology_ms: number | null;
  confirmed_ms: number | null;
  csat_sum: number;
  csat_count: number;
  follow_ups: number;
  satisfied: number;
  satisfied_of: number;
  apologies: number;
  third_party: number;
}

const ratio = (n: number, d: number, digits = 3) => (d > 0 ? round(n / d, digits) : null);
const hours = (ms: number | null) => (ms === null ? null : round(ms / (DAY_MS / 24), 1));

const present = (s: Sums): KpiRow => ({
  key: s.key,
  cases: s.cases,
  resolved: s.resolved,
  firstContactResolution: ratio(s.fcr, s.resolved),
  repeatContactsBeforeResolution: ratio(s.repeat_contacts, s.resolved, 2),
  handoversPerCase: ratio(s.handovers, s.cases, 2),
  reopenRate: ratio(s.reopened, s.resolved),
  hoursToFirstApology: hours(s.apology_ms),
  hoursToConfirmedFix: hours(s.confirmed_ms),
  satisfaction: ratio(s.csat_sum, s.csat_count, 2),
  followUpsCompleted: s.follow_ups,
  satisfiedShare: ratio(s.satisfied, s.satisfied_of),
  thirdPartyApologyShare: ratio(s.third_party, s.apologies),
});

/** A definition of one KPI as a report uses it: version 0 is heard's own. */
export interface KpiDefinitionVersion {
  kpi: KpiName;
  version: number;
  parameters: Record<string, unknown>;
  note: string | null;
  definedAt: string | null;
  definedBy: string | null;
}

const builtIn = (kpi: KpiName): KpiDefinitionVersion => ({
  kpi,
  version: 0,
  parameters: { ...BUILT_IN_KPI_DEFINITIONS[kpi] },
  note: "heard's own definition",
  definedAt: null,
  definedBy: null,
});

/**
 * Whether the definitions' table is there: not while version 1 of this projection serves and
 * version 2 is built beside it (an upgrade), when the report reads heard's own definitions,
 * which only use version 1's columns.
 */
const definitionsKept = async (store: ReadStore): Promise<boolean> =>
  (
    await store.query(
      store.dialect === 'sqlite'
        ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kpi_definitions'"
        : "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'kpi_definitions'",
    )
  ).length > 0;

/** Every version of every KPI's definition, oldest first, heard's own (version 0) included. */
export const readKpiDefinitions = async (store: ReadStore): Promise<KpiDefinitionVersion[]> => {
  if (!(await definitionsKept(store))) return KPI_NAMES.map(builtIn);
  const rows = await store.query<{
    kpi: KpiName;
    version: number;
    parameters: string;
    note: string | null;
    defined_at: string;
    defined_by: string;
  }>('SELECT kpi, version, parameters, note, defined_at, defined_by FROM kpi_definitions');
  return [
    ...KPI_NAMES.map(builtIn),
    ...rows.map((r) => ({
      kpi: r.kpi,
      version: Number(r.version),
      parameters: JSON.parse(r.parameters) as Record<string, unknown>,
      note: r.note,
      definedAt: r.defined_at,
      definedBy: r.defined_by,
    })),
  ].sort((a, b) => KPI_NAMES.indexOf(a.kpi) - KPI_NAMES.indexOf(b.kpi) || a.version - b.version);
};

/** `name@version` names a version no one defined. */
export class UnknownKpiDefinition extends Error {
  override readonly name = 'UnknownKpiDefinition';
}

/**
 * The definition each KPI is read with: the newest version, or the one asked for
 * (`first_contact_resolution@1`); an unknown name or version is refused.
 */
export const kpiDefinitionsFor = async (
  store: ReadStore,
  asked: ReadonlyArray<{ kpi: string; version: number }> = [],
): Promise<KpiDefinitionVersion[]> => {
  const all = await readKpiDefinitions(store);
  return KPI_NAMES.map((kpi) => {
    const own = all.filter((d) => d.kpi === kpi);
    const wanted = asked.find((a) => a.kpi === kpi);
    if (!wanted) return own[own.length - 1]!;
    const found = own.find((d) => d.version === wanted.version);
    if (!found)
      throw new UnknownKpiDefinition(
        `${kpi} has no version ${wanted.version}; its versions: ${own.map((d) => d.version).join(', ')}`,
      );
    return found;
  });
};

/** A whole number a definition holds (validated when it was defined), for SQL. */
const whole = (value: unknown): number | null => {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new Error(`A KPI definition holds ${JSON.stringify(value)}, not a whole number`);
  return n;
};

// SUM over no rows is NULL: counts are COALESCEd to 0; means stay NULL (no data).
const sum = (expression: string, name: string) => `COALESCE(SUM(${expression}), 0) AS ${name}`;

/** The sums the report divides, each KPI's as its definition says. */
const sumsFor = (definitions: readonly KpiDefinitionVersion[]): string => {
  const of = <K extends KpiName>(kpi: K) => definitions.find((d) => d.kpi === kpi)!.parameters;
  const fcr = of('first_contact_resolution');
  const noRepeat = whole(fcr.noRepeatWithinDays);
  const reopenWithin = whole(of('reopen_rate').withinDays);
  const minCsat = whole(of('satisfied_share').minCsat);
  const capDays = whole(of('hours_to_confirmed_fix').capDays);
  const fixMs = 'confirmed_ms - opened_ms';
  return [
    'COUNT(*) AS cases',
    sum('resolved', 'resolved'),
    sum(
      [
        'CASE WHEN resolved = 1',
        `contacts_before_resolution <= ${whole(fcr.maxInboundContacts) ?? 0}`,
        ...(fcr.allowHandovers === true ? [] : ['handovers_before_resolution = 0']),
        'reopens = 0',
        ...(noRepeat === null
          ? []
          : [
              `(repeat_case_opened_ms IS NULL OR repeat_case_opened_ms > first_resolved_ms + ${noRepeat * DAY_MS})`,
            ]),
      ].join(' AND ') + ' THEN 1 ELSE 0 END',
      'fcr',
    ),
    sum(
      `CASE WHEN resolved = 1 THEN ${of('repeat_contacts').until === 'ever' ? 'inbound_contacts' : 'contacts_before_resolution'} ELSE 0 END`,
      'repeat_contacts',
    ),
    sum('handovers', 'handovers'),
    sum(
      reopenWithin === null
        ? 'CASE WHEN resolved = 1 AND reopens > 0 THEN 1 ELSE 0 END'
        : `CASE WHEN resolved = 1 AND first_reopened_ms <= first_resolved_ms + ${reopenWithin * DAY_MS} THEN 1 ELSE 0 END`,
      'reopened',
    ),
    'AVG(first_apology_ms - opened_ms) AS apology_ms',
    capDays === null
      ? `AVG(${fixMs}) AS confirmed_ms`
      : `AVG(CASE WHEN ${fixMs} <= ${capDays * DAY_MS} THEN ${fixMs} END) AS confirmed_ms`,
    sum('csat_sum', 'csat_sum'),
    sum('csat_count', 'csat_count'),
    sum('follow_ups_completed', 'follow_ups'),
    minCsat === null
      ? sum('satisfied', 'satisfied')
      : sum(
          [1, 2, 3, 4, 5]
            .filter((score) => score >= minCsat)
            .map((score) => `csat_${score}`)
            .join(' + '),
          'satisfied',
        ),
    minCsat === null
      ? sum('follow_ups_completed', 'satisfied_of')
      : sum('csat_count', 'satisfied_of'),
    sum('apologies', 'apologies'),
    sum('third_party_apologies', 'third_party'),
  ].join(', ');
};

/** Outcome KPIs by team, agent, product or week, over cases opened in the period. */
export const readKpis = async (
  store: ReadStore,
  options: {
    by: KpiDimension;
    from?: string;
    to?: string;
    product?: string;
    /** Versions to read instead of the newest (`kpiDefinitionsFor` names the rest). */
    definitions?: readonly KpiDefinitionVersion[];
  },
): Promise<KpiReport> => {
  const definitions = options.definitions ?? (await kpiDefinitionsFor(store));
  const SUMS = sumsFor(definitions);
  const { where: filter, params } = new SqlFilter()
    .when(options.from, 'opened_day >= ?')
    .when(options.to, 'opened_day <= ?')
    .when(options.product, 'product = ?');
  // The dimension is one of four column names, never user text.
  const rows = await store.query<Sums>(
    `SELECT ${options.by} AS key, ${SUMS} FROM kpi_cases ${filter} GROUP BY ${options.by} ORDER BY ${options.by}`,
    params,
  );
  const [overall] = await store.query<Sums>(
    `SELECT NULL AS key, ${SUMS} FROM kpi_cases ${filter}`,
    params,
  );
  return {
    by: options.by,
    period: { from: options.from ?? null, to: options.to ?? null },
    definitions: [...definitions],
    overall: present({ ...overall!, key: 'all' }),
    rows: rows.map(present),
  };
};
