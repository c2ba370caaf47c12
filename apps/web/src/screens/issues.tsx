import { useMemo, useState } from 'preact/hooks';
import { afterMyWrites, get, may, post, query, SCREENS, type Answer, type Me } from '../api';
import { Chart, type Band, type Series } from '../chart';
import { NotForYou, num, pct, Problem, Show, Table, useLoad, when } from '../ui';

type Report = Answer<'RecurringIssues'>;
type Group = Report['groups'][number];
type Candidate = Answer<'CandidateIssue'>;

const CHARTED = 6;
const REPORT = `/reports/recurring-issues${query({ limit: 50 })}`;

/** Revenue per currency, as "EUR 150,000 · USD 50,000". */
const revenue = (r: Record<string, number>) =>
  Object.entries(r)
    .sort((a, b) => b[1] - a[1])
    .map(([currency, amount]) => `${currency} ${amount.toLocaleString('en')}`)
    .join(' · ') || '–';

const statusOf = (g: Group) =>
  g.kind === 'unlinked' ? 'not linked to an issue' : (g.issueStatus ?? '–');

/** Cases per day of the largest groups; the trend window of each spiking one is shaded. */
const IssuesChart = ({ report }: { report: Report }) => {
  const { labels, series, bands } = useMemo(() => {
    const charted = [...report.groups].sort((a, b) => b.cases - a.cases).slice(0, CHARTED);
    const days = [...new Set(charted.flatMap((g) => g.perDay.map((d) => d.day)))].sort();
    const series: Series[] = charted.map((g) => {
      const byDay = new Map(g.perDay.map((d) => [d.day, d.cases]));
      return {
        label: g.title,
        values: days.map((d) => byDay.get(d) ?? 0),
        emphasis: g.trend.spiking,
      };
    });
    const bands: Band[] = [];
    const spiking = charted.filter((g) => g.trend.spiking);
    if (spiking.length > 0) {
      const end = days.indexOf(spiking[0]!.trend.asOf);
      const last = end < 0 ? days.length - 1 : end;
      bands.push({
        from: Math.max(0, last - report.rule.windowDays + 1),
        to: last,
        label: 'spike window',
      });
    }
    return { labels: days, series, bands };
  }, [report]);
  const spiking = report.groups.filter((g) => g.trend.spiking).map((g) => g.title);
  return (
    <Chart
      title="Cases opened per day"
      xLabel="Day"
      summary={`${series.length} largest groups from ${report.period.from} to ${report.period.to}; spiking: ${spiking.join(', ') || 'none'}`}
      labels={labels}
      series={series}
      bands={bands}
    />
  );
};

/** A form about one issue of the table: it says what it did, or is closed. */
interface IssueFormProps {
  group: Group;
  onDone: (notice: string) => void;
  onCancel: () => void;
}

/** Sends a form once at a time; heard's refusal stays in the form, naming the field. */
const useSubmit = (send: (form: FormData) => Promise<string>, onDone: (notice: string) => void) => {
  const [problem, setProblem] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(await send(new FormData(event.currentTarget as HTMLFormElement)));
    } catch (error) {
      setProblem(error as Error);
      setBusy(false);
    }
  };
  return { problem, busy, submit };
};

/** A form's refusal, if any, its submit button and Cancel. */
const FormEnd = (p: { problem?: Error; busy: boolean; submit: string; onCancel: () => void }) => (
  <>
    {p.problem && <Problem error={p.problem} />}
    <div class="inline">
      <button type="submit" disabled={p.busy}>
        {p.submit}
      </button>
      <button type="button" class="secondary" onClick={p.onCancel}>
        Cancel
      </button>
    </div>
  </>
);

/**
 * Announce a shipped fix: says first how many customers the notice will reach. A fix that
 * waits (its tracker issue was closed as done) comes filled in from the tracker.
 */
const AnnounceFix = ({ group, onDone, onCancel }: IssueFormProps) => {
  const issueId = group.issueId!;
  const waiting = group.fixAwaiting;
  const closedIn = group.trackerLinks.find((l) => l.linkId === waiting?.linkId);
  const [audience] = useLoad(
    () =>
      get<Answer<'FixNoticeAudience'>>(
        `/issues/${encodeURIComponent(issueId)}/fix-notice-audience${query({ minPosition: afterMyWrites() })}`,
      ),
    [issueId],
  );
  const { problem, busy, submit } = useSubmit(async (form) => {
    const release = form.get('release') as string;
    const tell = form.get('tell') === 'on';
    await post(`/issues/${encodeURIComponent(issueId)}/fix-shipped`, {
      release,
      description: form.get('description'),
      creditCustomers: tell,
    });
    return `Fix announced for ${group.title}: ${release}.${
      audience.state === 'done' && tell
        ? ` ${audience.value.customers} customers will be told.`
        : ''
    }`;
  }, onDone);
  return (
    <form
      class="panel stacked"
      onSubmit={(e) => void submit(e)}
      aria-label={`Announce a fix for ${group.title}`}
    >
      <h3>Announce a shipped fix for {group.title}</h3>
      {closedIn && (
        <p>
          Closed as done in the tracker:{' '}
          <a href={closedIn.url} rel="noreferrer" target="_blank">
            {closedIn.ref}
          </a>{' '}
          ({closedIn.state}).
        </p>
      )}
      <Show loaded={audience}>
        {(a) => (
          <p role="status">
            <strong>{a.customers}</strong> customers ({a.cases} cases) will be told their report led
            to this fix; their accounts stand for {revenue(a.revenueAtStake)} a year.
          </p>
        )}
      </Show>
      <label for={`release-${issueId}`}>Release</label>
      <input
        id={`release-${issueId}`}
        name="release"
        required
        maxLength={200}
        defaultValue={waiting?.release}
      />
      <label for={`description-${issueId}`}>What the fix does</label>
      <textarea
        id={`description-${issueId}`}
        name="description"
        required
        maxLength={2000}
        defaultValue={closedIn ? `Closed as done in the tracker: ${closedIn.url}` : undefined}
      />
      <label class="check">
        <input type="checkbox" name="tell" defaultChecked /> Tell the customers ("you were heard")
      </label>
      <FormEnd problem={problem} busy={busy} submit="Announce the fix" onCancel={onCancel} />
    </form>
  );
};

/** Link an issue to its tracker issue, and say what heard does when it is closed as done there. */
const LinkTracker = ({ group, onDone, onCancel }: IssueFormProps) => {
  const issueId = group.issueId!;
  const { problem, busy, submit } = useSubmit(async (form) => {
    await post(`/issues/${encodeURIComponent(issueId)}/tracker-links`, {
      url: form.get('url'),
      onTrackerDone: form.get('onTrackerDone'),
    });
    return `${group.title} is linked to ${form.get('url') as string}.`;
  }, onDone);
  return (
    <form
      class="panel stacked"
      onSubmit={(e) => void submit(e)}
      aria-label={`Link ${group.title} to a tracker issue`}
    >
      <h3>Link {group.title} to a tracker issue</h3>
      <label for={`tracker-url-${issueId}`}>GitHub, GitLab, Jira or Linear issue URL</label>
      <input
        id={`tracker-url-${issueId}`}
        name="url"
        type="url"
        required
        maxLength={500}
        placeholder="https://github.com/acme/app/issues/12"
      />
      <label for={`tracker-done-${issueId}`}>When it is closed as done there</label>
      <select id={`tracker-done-${issueId}`} name="onTrackerDone">
        <option value="ask">let the fix wait here for one click (ask)</option>
        <option value="ship">ship the fix and tell the customers at once (ship)</option>
      </select>
      <FormEnd problem={problem} busy={busy} submit="Link the tracker issue" onCancel={onCancel} />
    </form>
  );
};

const Candidates = ({
  me,
  issues,
  onAccepted,
}: {
  me: Me;
  issues: Group[];
  onAccepted: (notice: string) => void;
}) => {
  const [loaded] = useLoad(
    () =>
      get<Answer<'CandidateIssues'>>(
        `/reports/candidate-issues${query({ minPosition: afterMyWrites() })}`,
      ),
    [],
  );
  const [problem, setProblem] = useState<Error>();
  const accept = async (candidate: Candidate, event: SubmitEvent) => {
    event.preventDefault();
    const target = new FormData(event.currentTarget as HTMLFormElement).get('issueId');
    try {
      const result = await post<Answer<'CandidateAcceptance'>>(
        `/candidate-issues/${encodeURIComponent(candidate.candidateId)}/acceptance`,
        target ? { issueId: target } : { title: candidate.title, category: candidate.category },
      );
      onAccepted(
        `“${candidate.title}”: ${result.linked.length} cases linked to ${result.created ? 'the new issue ' : ''}${result.issueId}.`,
      );
    } catch (error) {
      setProblem(error as Error);
    }
  };
  const mayAccept = may(me, SCREENS.acceptCandidate);
  return (
    <section class="panel" aria-labelledby="candidates">
      <h2 id="candidates">Candidate issues: unlinked cases that tell the same story</h2>
      {problem && <Problem error={problem} />}
      <Show loaded={loaded}>
        {({ candidates }) =>
          candidates.length === 0 ? (
            <p class="muted">None right now.</p>
          ) : (
            <ul class="cards">
              {candidates.map((c) => (
                <li key={c.candidateId}>
                  <strong>{c.title}</strong>
                  <SameStoryElsewhere candidate={c} all={candidates} />
                  <div class="muted">
                    {c.product ?? '–'} · {c.category} · {c.cases} cases, {c.customers} customers ·{' '}
                    {c.keywords.join(', ')}
                  </div>
                  {mayAccept && (
                    <form class="inline" onSubmit={(e) => void accept(c, e)}>
                      <label for={`link-${c.candidateId}`}>Issue</label>
                      <select id={`link-${c.candidateId}`} name="issueId">
                        <option value="">a new issue: “{c.title}”</option>
                        {issues.map((g) => (
                          <option value={g.issueId!}>{g.title}</option>
                        ))}
                      </select>
                      <button type="submit">Link these cases to an issue</button>
                    </form>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
};

/**
 * Candidates are grouped per product: one story told about several products shows as several
 * cards with one title. Each says so, naming the others, so that they are linked as one issue.
 */
const SameStoryElsewhere = ({ candidate, all }: { candidate: Candidate; all: Candidate[] }) => {
  const others = all.filter(
    (c) =>
      c.candidateId !== candidate.candidateId &&
      c.title.toLowerCase() === candidate.title.toLowerCase(),
  );
  if (others.length === 0) return null;
  return (
    <span class="badge">
      same story for {others.map((c) => c.product ?? 'no product').join(', ')}
    </span>
  );
};

const TrendMessages = () => {
  const path = `/messages${query({ topic: 'issue-trends', limit: 200 })}`;
  const [loaded] = useLoad(() => get<Answer<'Messages'>>(path), []);
  return (
    <section class="panel">
      <Show loaded={loaded}>
        {({ messages }) => (
          <Table
            caption="Trend messages sent to product teams"
            csv={{ path, fileName: 'issue-trend-messages.csv' }}
            rowKey={(m) => m.id}
            rows={[...messages].reverse()}
            columns={[
              { label: 'When', value: (m) => when(m.time) },
              { label: 'Message', value: (m) => m.type.replace('heard.issue-trend.', '') },
              { label: 'Group', value: (m) => m.data.title ?? m.key },
              { label: 'Sent', value: (m) => (m.sentAt ? when(m.sentAt) : 'pending') },
            ]}
          />
        )}
      </Show>
    </section>
  );
};

/** The product team's screen: what recurs and spikes, candidates to link, fixes to announce. */
export const IssuesScreen = ({ me }: { me: Me }) =>
  may(me, SCREENS.issues) ? (
    <Issues me={me} />
  ) : (
    <NotForYou me={me} roles={SCREENS.issues} what="recurring issues" />
  );

const SORTS = { cases: 'Cases', customers: 'Customers', revenue: 'Revenue at stake' } as const;

const Issues = ({ me }: { me: Me }) => {
  const [sort, setSort] = useState<keyof typeof SORTS>('cases');
  const [loaded, reload] = useLoad(
    () =>
      get<Report>(
        `/reports/recurring-issues${query({ limit: 50, sort, minPosition: afterMyWrites() })}`,
      ),
    [sort],
  );
  const [announcing, setAnnouncing] = useState<string>();
  const [linking, setLinking] = useState<string>();
  const [notice, setNotice] = useState('');
  const mayAnnounce = may(me, SCREENS.announceFix);
  const mayLink = may(me, SCREENS.linkTracker);
  const done = (text: string) => {
    setNotice(text);
    setAnnouncing(undefined);
    setLinking(undefined);
    reload();
  };
  return (
    <>
      <h1>Recurring issues</h1>
      <p role="status" class={notice ? 'notice' : 'visually-hidden'}>
        {notice}
      </p>
      <Show loaded={loaded}>
        {(report) => (
          <>
            <section class="panel">
              <p class="muted">
                {report.period.from} to {report.period.to}. {report.rule.description}
              </p>
              <IssuesChart report={report} />
              <label for="issues-sort">Sort by</label>{' '}
              <select
                id="issues-sort"
                value={sort}
                onChange={(e) => setSort(e.currentTarget.value as keyof typeof SORTS)}
              >
                {Object.entries(SORTS).map(([value, label]) => (
                  <option value={value}>{label}</option>
                ))}
              </select>
              <Table
                caption="Recurring issues and unlinked groups"
                csv={{ path: REPORT, fileName: 'recurring-issues.csv' }}
                rowKey={(g) => g.group}
                rows={report.groups}
                columns={[
                  {
                    label: 'Issue or group',
                    value: (g) => (
                      <>
                        {g.title}
                        {g.trend.spiking && <span class="badge spiking">spiking</span>}
                      </>
                    ),
                  },
                  { label: 'Status', value: statusOf },
                  { label: 'Cases', value: (g) => g.cases, numeric: true },
                  { label: 'Customers', value: (g) => g.customers, numeric: true },
                  {
                    label: 'Revenue at stake',
                    value: (g) =>
                      `${revenue(g.revenueAtStake)}${g.accounts.length ? ` (${g.accounts.length} accounts: ${g.tiers.join(', ')})` : ''}`,
                  },
                  {
                    label: 'Tracker',
                    value: (g) => (
                      <>
                        {g.trackerLinks.map((l) => (
                          <div key={l.linkId}>
                            <a href={l.url} rel="noreferrer" target="_blank">
                              {l.ref}
                            </a>
                            : {l.state ?? 'linked'}
                            {l.awaiting && <span class="badge">fix waits</span>}
                          </div>
                        ))}
                        {g.trackerLinks.length === 0 && !(mayLink && g.kind === 'issue') && '–'}
                        {mayLink && g.kind === 'issue' && g.issueStatus !== 'closed' && (
                          <button
                            type="button"
                            class="secondary"
                            onClick={() => setLinking(g.group)}
                          >
                            Link<span class="visually-hidden"> {g.title} to a tracker issue</span>
                          </button>
                        )}
                      </>
                    ),
                  },
                  { label: 'Repeat contacts', value: (g) => g.repeatContacts, numeric: true },
                  { label: 'Open', value: (g) => g.open, numeric: true },
                  {
                    label: 'Resolutions rejected',
                    value: (g) => pct(g.rejectedShare),
                    numeric: true,
                  },
                  {
                    label: 'Median hours to confirmed fix',
                    value: (g) => num(g.medianHoursToConfirmedFix, 1),
                    numeric: true,
                  },
                  {
                    label: 'Last 7 days vs before',
                    value: (g) => (g.trend.ratio === null ? '–' : `${num(g.trend.ratio, 1)}x`),
                    numeric: true,
                  },
                  {
                    label: 'Fix',
                    value: (g) =>
                      g.fixRelease ? (
                        `shipped in ${g.fixRelease}`
                      ) : mayAnnounce && g.kind === 'issue' && g.fixAwaiting ? (
                        // Closed as done in the tracker: one click tells the customers.
                        <button type="button" onClick={() => setAnnouncing(g.group)}>
                          Ship the fix the tracker closed
                          <span class="visually-hidden"> for {g.title}</span>
                        </button>
                      ) : mayAnnounce && g.kind === 'issue' && g.issueStatus === 'acknowledged' ? (
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => setAnnouncing(g.group)}
                        >
                          Announce a fix<span class="visually-hidden"> for {g.title}</span>
                        </button>
                      ) : (
                        '–'
                      ),
                  },
                ]}
              />
            </section>
            {announcing && (
              <AnnounceFix
                key={announcing}
                group={report.groups.find((g) => g.group === announcing)!}
                onDone={done}
                onCancel={() => setAnnouncing(undefined)}
              />
            )}
            {linking && (
              <LinkTracker
                key={linking}
                group={report.groups.find((g) => g.group === linking)!}
                onDone={done}
                onCancel={() => setLinking(undefined)}
              />
            )}
            {may(me, SCREENS.candidates) && (
              <Candidates
                me={me}
                issues={report.groups.filter((g) => g.kind === 'issue')}
                onAccepted={done}
              />
            )}
          </>
        )}
      </Show>
      {may(me, SCREENS.messages) && <TrendMessages />}
    </>
  );
};
