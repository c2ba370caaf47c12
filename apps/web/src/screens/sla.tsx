import { useEffect, useState } from 'preact/hooks';
import { get, may, query, SCREENS, type Answer, type Me } from '../api';
import { NotForYou, pct, Show, Table, useLoad, when } from '../ui';

type SlaReport = Answer<'SlaReport'>;
type Attainment = SlaReport['attainment']['byTeam'][number];
type PromiseCounts = SlaReport['promises']['byTeam'][number];

const TARGET_WORDS: Record<string, string> = {
  firstResponse: 'first response',
  nextResponse: 'next response',
  resolution: 'resolution',
};
const label = (key: string | null) => key ?? '(none)';
const REFRESH_MS = 5000;

const AttainmentTable = ({ caption, rows }: { caption: string; rows: Attainment[] }) => (
  <Table
    caption={caption}
    rowKey={(r) => label(r.key)}
    rows={rows}
    columns={[
      { label: 'Who', value: (r) => label(r.key) },
      { label: 'Met', value: (r) => r.met, numeric: true },
      { label: 'Breached', value: (r) => r.breached, numeric: true },
      { label: 'Attainment', value: (r) => pct(r.attainment), numeric: true },
    ]}
  />
);

const PromiseTable = ({ caption, rows }: { caption: string; rows: PromiseCounts[] }) => (
  <Table
    caption={caption}
    rowKey={(r) => label(r.key)}
    rows={rows}
    columns={[
      { label: 'Who', value: (r) => label(r.key) },
      { label: 'Kept', value: (r) => r.kept, numeric: true },
      { label: 'Broken', value: (r) => r.broken, numeric: true },
      { label: 'Open', value: (r) => r.open, numeric: true },
    ]}
  />
);

/** The supervisors' queue: clocks at risk or breached on open cases, soonest first, and how targets and promises went. */
export const SlaScreen = ({ me }: { me: Me }) =>
  may(me, SCREENS.sla) ? (
    <SlaQueue />
  ) : (
    <NotForYou me={me} roles={SCREENS.sla} what="the SLA queue" />
  );

const SlaQueue = () => {
  const [filter, setFilter] = useState<{ team?: string; agentId?: string; policyId?: string }>({});
  const [tick, setTick] = useState(0);
  const path = `/reports/sla${query(filter)}`;
  const [loaded] = useLoad(() => get<SlaReport>(path), [path, tick]);
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, []);
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => {
      const given = form.get(name);
      return typeof given === 'string' && given.trim() ? given.trim() : undefined;
    };
    setFilter({ team: value('team'), agentId: value('agentId'), policyId: value('policyId') });
  };
  return (
    <>
      <h1>SLA queue</h1>
      <section class="panel" aria-labelledby="queue">
        <h2 id="queue">At risk and breached</h2>
        <form class="inline" onSubmit={apply}>
          <label for="team">Team</label>
          <input id="team" name="team" value={filter.team ?? ''} />
          <label for="agentId">Agent</label>
          <input id="agentId" name="agentId" value={filter.agentId ?? ''} />
          <label for="policyId">Policy</label>
          <input id="policyId" name="policyId" value={filter.policyId ?? ''} />
          <button type="submit">Filter</button>
        </form>
        <Show loaded={loaded}>
          {(report) => (
            <>
              <Table
                caption={`Clocks at risk or breached (${report.cases.length})`}
                csv={{ path, fileName: 'sla.csv' }}
                rowKey={(r) => `${r.caseId}:${r.target}:${r.cycle}`}
                rows={report.cases}
                columns={[
                  {
                    label: 'Case',
                    value: (r) => (
                      <a href={`/app/cases/${encodeURIComponent(r.caseId)}`}>{r.caseId}</a>
                    ),
                  },
                  { label: 'Target', value: (r) => TARGET_WORDS[r.target] ?? r.target },
                  {
                    label: 'State',
                    value: (r) => (
                      <span class={`badge ${r.state === 'breached' ? 'escalated' : 'resolved'}`}>
                        {r.state.replace('_', ' ')}
                      </span>
                    ),
                  },
                  { label: 'Due', value: (r) => when(r.dueAt) },
                  { label: 'With', value: (r) => r.agentId ?? (r.team ? `team ${r.team}` : '–') },
                  { label: 'Policy', value: (r) => `${r.policyId} v${r.policyVersion}` },
                ]}
              />
              <p class="muted">As of {when(report.asOf)}; refreshed every 5 s.</p>
            </>
          )}
        </Show>
      </section>
      <section class="panel" aria-labelledby="attainment">
        <h2 id="attainment">Targets met and promises kept</h2>
        <Show loaded={loaded}>
          {(report) => (
            <div class="grid">
              <AttainmentTable caption="Attainment by team" rows={report.attainment.byTeam} />
              <AttainmentTable caption="Attainment by agent" rows={report.attainment.byAgent} />
              <AttainmentTable
                caption="Attainment by policy version"
                rows={report.attainment.byPolicyVersion}
              />
              <PromiseTable caption="Promises by team" rows={report.promises.byTeam} />
              <PromiseTable caption="Promises by agent" rows={report.promises.byAgent} />
            </div>
          )}
        </Show>
      </section>
    </>
  );
};
