import { useMemo, useState } from 'preact/hooks';
import { get, may, query, SCREENS, type Answer, type Me } from '../api';
import { Chart } from '../chart';
import { NotForYou, num, pct, Show, Table, useLoad, when } from '../ui';

const DIMENSIONS = ['team', 'agent', 'product', 'week'] as const;
type Dimension = (typeof DIMENSIONS)[number];

type KpiReport = Answer<'Kpis'>;
type Impact = Answer<'ChangeImpact'>;

const label = (key: string | null) => key ?? '(none)';

type Definition = Answer<'KpiDefinitions'>['definitions'][number];

const parametersOf = (d: Definition) =>
  Object.entries(d.parameters)
    .map(
      ([name, value]) =>
        `${name} ${value === null ? 'none' : typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join(', ');

/** Each KPI's definition the report used, and the versions an analyst may read instead. */
const Definitions = ({
  used,
  picked,
  pick,
}: {
  used: KpiReport['definitions'];
  picked: Record<string, number>;
  pick: (kpi: string, version: number | undefined) => void;
}) => {
  const [all] = useLoad(() => get<Answer<'KpiDefinitions'>>('/kpi-definitions'), []);
  return (
    <details class="definitions">
      <summary>
        Definitions: {used.map((d) => `${d.kpi.replace(/_/g, ' ')} v${d.version}`).join(', ')}
      </summary>
      <Show loaded={all}>
        {({ definitions }) => (
          <ul>
            {used.map((d) => (
              <li>
                <label for={`def-${d.kpi}`}>{d.kpi.replace(/_/g, ' ')}</label>{' '}
                <select
                  id={`def-${d.kpi}`}
                  value={String(picked[d.kpi] ?? d.version)}
                  onChange={(e) => {
                    const version = Number(e.currentTarget.value);
                    const newest = definitions.find((o) => o.kpi === d.kpi && o.current);
                    pick(d.kpi, version === newest?.version ? undefined : version);
                  }}
                >
                  {definitions
                    .filter((o) => o.kpi === d.kpi)
                    .map((o) => (
                      <option value={String(o.version)}>
                        v{o.version}
                        {o.current ? ' (newest)' : ''}: {parametersOf(o)}
                      </option>
                    ))}
                </select>
              </li>
            ))}
          </ul>
        )}
      </Show>
    </details>
  );
};

const Kpis = () => {
  const [by, setBy] = useState<Dimension>('team');
  const [picked, setPicked] = useState<Record<string, number>>({});
  const definition = Object.entries(picked)
    .map(([kpi, version]) => `${kpi}@${version}`)
    .join(',');
  const path = `/reports/kpis${query({ by, definition: definition || undefined })}`;
  const [loaded] = useLoad(() => get<KpiReport>(path), [path]);
  const pick = (kpi: string, version: number | undefined) =>
    setPicked(({ [kpi]: _old, ...rest }) =>
      version === undefined ? rest : { ...rest, [kpi]: version },
    );
  const chart = useMemo(() => {
    if (loaded.state !== 'done') return undefined;
    const rows = loaded.value.rows.slice(0, 40);
    return {
      labels: rows.map((r) => label(r.key)),
      series: [
        { label: 'First-contact resolution', values: rows.map((r) => r.firstContactResolution) },
        { label: 'Reopen rate', values: rows.map((r) => r.reopenRate) },
        { label: 'Satisfied share', values: rows.map((r) => r.satisfiedShare) },
      ],
    };
  }, [loaded]);
  return (
    <section class="panel" aria-labelledby="kpis">
      <h2 id="kpis">Outcome KPIs</h2>
      <fieldset class="inline">
        <legend>By</legend>
        {DIMENSIONS.map((d) => (
          <label class="check">
            <input type="radio" name="by" value={d} checked={by === d} onChange={() => setBy(d)} />{' '}
            {d}
          </label>
        ))}
      </fieldset>
      <Show loaded={loaded}>
        {(report) => (
          <>
            <Definitions used={report.definitions} picked={picked} pick={pick} />
            <p>
              All cases: {report.overall.cases}, resolved {report.overall.resolved}; first-contact
              resolution {pct(report.overall.firstContactResolution)}, reopened{' '}
              {pct(report.overall.reopenRate)}, satisfied {pct(report.overall.satisfiedShare)}.
            </p>
            {chart && (
              <Chart
                title={`Shares by ${by}`}
                xLabel={by}
                summary={`first-contact resolution, reopen rate and satisfied share for ${chart.labels.length} ${by}s`}
                labels={chart.labels}
                series={chart.series}
                bars={by !== 'week'}
              />
            )}
            <Table
              caption={`KPIs by ${by}`}
              csv={{ path, fileName: `kpis-by-${by}.csv` }}
              rowKey={(r) => label(r.key)}
              rows={report.rows}
              columns={[
                { label: by, value: (r) => label(r.key) },
                { label: 'Cases', value: (r) => r.cases, numeric: true },
                { label: 'Resolved', value: (r) => r.resolved, numeric: true },
                {
                  label: 'First-contact resolution',
                  value: (r) => pct(r.firstContactResolution),
                  numeric: true,
                },
                {
                  label: 'Repeat contacts before resolution',
                  value: (r) => num(r.repeatContactsBeforeResolution, 2),
                  numeric: true,
                },
                {
                  label: 'Handovers per case',
                  value: (r) => num(r.handoversPerCase, 2),
                  numeric: true,
                },
                { label: 'Reopened', value: (r) => pct(r.reopenRate), numeric: true },
                {
                  label: 'Hours to first apology',
                  value: (r) => num(r.hoursToFirstApology, 1),
                  numeric: true,
                },
                {
                  label: 'Hours to confirmed fix',
                  value: (r) => num(r.hoursToConfirmedFix, 1),
                  numeric: true,
                },
                { label: 'CSAT', value: (r) => num(r.satisfaction, 2), numeric: true },
                { label: 'Satisfied', value: (r) => pct(r.satisfiedShare), numeric: true },
              ]}
            />
          </>
        )}
      </Show>
    </section>
  );
};

const ChangeImpact = () => {
  const [changes] = useLoad(() => get<Answer<'Changes'>>('/reports/changes'), []);
  const [picked, setPicked] = useState<string>();
  const changeId =
    picked ?? (changes.state === 'done' ? changes.value.changes[0]?.changeId : undefined);
  const path = changeId ? `/reports/change-impact/${encodeURIComponent(changeId)}` : undefined;
  const [impact] = useLoad(() => (path ? get<Impact>(path) : Promise.resolve(undefined)), [path]);
  return (
    <section class="panel" aria-labelledby="impact">
      <h2 id="impact">Change impact</h2>
      <Show loaded={changes}>
        {({ changes: list }) =>
          list.length === 0 ? (
            <p class="muted">No change announced yet (POST /changes).</p>
          ) : (
            <div class="inline">
              <label for="change">Change</label>
              <select
                id="change"
                value={changeId}
                onChange={(e) => setPicked(e.currentTarget.value)}
              >
                {list.map((c) => (
                  <option value={c.changeId}>
                    {c.description} ({c.kind}, {when(c.effectiveAt)})
                  </option>
                ))}
              </select>
            </div>
          )
        }
      </Show>
      <Show loaded={impact}>
        {(value) =>
          value && (
            <>
              <p>
                Contacts in the {value.windowDays} days before and after: {value.total.before} →{' '}
                {value.total.after} (
                {value.total.changePct === null
                  ? 'new'
                  : `${value.total.changePct > 0 ? '+' : ''}${value.total.changePct}%`}
                ).
              </p>
              <Chart
                title="Contacts before and after, by channel"
                xLabel="Channel"
                summary={value.byChannel
                  .map((c) => `${c.channel} ${c.before} before, ${c.after} after`)
                  .join('; ')}
                labels={value.byChannel.map((c) => c.channel)}
                series={[
                  { label: 'Before', values: value.byChannel.map((c) => c.before) },
                  { label: 'After', values: value.byChannel.map((c) => c.after) },
                ]}
                bars
              />
              <div class="grid two">
                {(['channel', 'category'] as const).map((dimension) => (
                  <Table
                    caption={`By ${dimension}`}
                    csv={{ path: path!, fileName: `change-impact-${value.change.changeId}.csv` }}
                    rowKey={(r) => r.name}
                    rows={
                      dimension === 'channel'
                        ? value.byChannel.map(({ channel, ...r }) => ({ ...r, name: channel }))
                        : value.byCategory.map(({ category, ...r }) => ({ ...r, name: category }))
                    }
                    columns={[
                      { label: dimension, value: (r) => r.name },
                      { label: 'Before', value: (r) => r.before, numeric: true },
                      { label: 'After', value: (r) => r.after, numeric: true },
                      {
                        label: 'Change',
                        value: (r) => (r.changePct === null ? 'new' : `${r.changePct}%`),
                        numeric: true,
                      },
                    ]}
                  />
                ))}
              </div>
            </>
          )
        }
      </Show>
    </section>
  );
};

const Ledger = ({ me }: { me: Me }) => {
  const followUpsPath = `/follow-ups${query({ limit: 200 })}`;
  const noticesPath = `/messages${query({ topic: 'follow-ups', limit: 200 })}`;
  const [followUps] = useLoad(() => get<Answer<'FollowUps'>>(followUpsPath), []);
  const [notices] = useLoad(
    () =>
      may(me, SCREENS.messages)
        ? get<Answer<'Messages'>>(noticesPath)
        : Promise.resolve({ messages: [], next: null }),
    [],
  );
  return (
    <section class="panel" aria-labelledby="ledger">
      <h2 id="ledger">Follow-ups and notices</h2>
      <div class="grid two">
        <Show loaded={followUps}>
          {(value) => (
            <Table
              caption="Follow-ups"
              csv={{ path: followUpsPath, fileName: 'follow-ups.csv' }}
              rowKey={(f) => f.followUpId}
              rows={value.followUps}
              columns={[
                { label: 'Case', value: (f) => f.caseId },
                { label: 'Customer', value: (f) => f.customerId },
                { label: 'Status', value: (f) => f.status },
                { label: 'Due', value: (f) => when(f.dueAt) },
                { label: 'Outcome', value: (f) => f.outcome ?? '–' },
                { label: 'CSAT', value: (f) => f.csat ?? '–', numeric: true },
              ]}
            />
          )}
        </Show>
        {may(me, SCREENS.messages) && (
          <Show loaded={notices}>
            {(value) => (
              <Table
                caption="Notices to customers"
                csv={{ path: noticesPath, fileName: 'notices.csv' }}
                rowKey={(m) => m.id}
                rows={value.messages}
                columns={[
                  { label: 'When', value: (m) => when(m.time) },
                  { label: 'Notice', value: (m) => m.type.replace('heard.', '') },
                  { label: 'Customer', value: (m) => m.key },
                  { label: 'Sent', value: (m) => (m.sentAt ? when(m.sentAt) : 'pending') },
                ]}
              />
            )}
          </Show>
        )}
      </div>
    </section>
  );
};

/** The analyst's screen: KPIs as charts and tables, a change's impact, the follow-up ledger. */
export const KpisScreen = ({ me }: { me: Me }) =>
  may(me, SCREENS.kpis) ? (
    <>
      <h1>KPIs and change impact</h1>
      <Kpis />
      <ChangeImpact />
      <Ledger me={me} />
    </>
  ) : (
    <NotForYou me={me} roles={SCREENS.kpis} what="the KPIs" />
  );
