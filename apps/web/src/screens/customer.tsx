import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { get, may, query, SCREENS, type Answer, type Me } from '../api';
import { NotForYou, Problem, readable, Show, useLoad, when } from '../ui';
import { Clocks } from './case';

type TimelinePage = Answer<'Timeline'>;
type Summary = TimelinePage['summary'];
type Entry = TimelinePage['entries'][number];

/** The timeline's own order: when it happened, then as recorded; newest first. */
const newestFirst = (a: Entry, b: Entry) =>
  b.occurredAt.localeCompare(a.occurredAt) || b.position.localeCompare(a.position);
type TimelineEntry = TimelinePage['entries'][number];
type FollowUp = Answer<'FollowUps'>['followUps'][number];

const POLL_MS = 3000;
const OPEN_FOLLOW_UPS = new Set(['scheduled', 'due', 'sent']);

const holderOf = (holder: Summary['openCases'][number]['holder']) =>
  holder?.agentId ?? (holder?.team ? `team ${holder.team}` : 'nobody yet');

/** Find a customer by their id, one of their accounts, or one of their cases. */
const Search = ({ initial }: { initial?: string }) => {
  const { route } = useLocation();
  const [term, setTerm] = useState(initial ?? '');
  const [found, setFound] = useState<Answer<'CustomerSearch'>['customers']>();
  const [problem, setProblem] = useState<Error>();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      const answer = await get<Answer<'CustomerSearch'>>(
        `/customers${query({ search: term.trim() })}`,
      );
      if (answer.customers.length === 1)
        route(`/app/customers/${encodeURIComponent(answer.customers[0]!.customerId)}`);
      setFound(answer.customers);
    } catch (error) {
      setProblem(error as Error);
    }
  };
  return (
    <form class="search" role="search" onSubmit={(e) => void submit(e)}>
      <label for="search">Customer, account or case id</label>
      <input
        id="search"
        name="search"
        value={term}
        onInput={(e) => setTerm(e.currentTarget.value)}
        required
      />
      <button type="submit">Find</button>
      {problem && <Problem error={problem} />}
      {found && found.length === 0 && (
        <p role="status">No customer, account or case is called {term}.</p>
      )}
      {found && found.length > 1 && (
        <ul aria-label="Customers found">
          {found.map((c) => (
            <li>
              <a href={`/app/customers/${encodeURIComponent(c.customerId)}`}>{c.customerId}</a>{' '}
              <span class="muted">
                {c.accountIds.join(', ')} · {c.cases.length} cases
              </span>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
};

/** The running clocks of an open case, read again when the case moves. */
const CaseClocks = ({ caseId, changedAt }: { caseId: string; changedAt: string }) => {
  const [loaded] = useLoad(
    () => get<Answer<'Case'>>(`/cases/${encodeURIComponent(caseId)}`),
    [caseId, changedAt],
  );
  return loaded.state === 'done' && loaded.value.sla ? <Clocks sla={loaded.value.sla} /> : null;
};

const WhatWeKnow = ({ summary, followUps }: { summary: Summary; followUps: FollowUp[] }) => (
  <section class="panel" aria-labelledby="known">
    <h2 id="known">What we already know</h2>
    {summary.openPromises.length > 0 && (
      <div class="promises" role="note" aria-label="What we promised">
        <h3>What we promised</h3>
        <ul>
          {summary.openPromises.map((p) => (
            <li>
              We promised you “{p.promise}” by <strong>{when(p.dueAt)}</strong>{' '}
              <span class="muted">
                ({p.agentId}, {p.caseId})
              </span>
            </li>
          ))}
        </ul>
      </div>
    )}
    <p>
      {summary.cases.total} cases ({summary.cases.active} active, {summary.cases.closed} closed) ·{' '}
      {summary.contacts} contacts, the last {when(summary.lastContactAt)}
      {summary.accountIds.length > 0 && <> · account {summary.accountIds.join(', ')}</>}
    </p>
    <div class="grid">
      <div>
        <h3>Open cases and who has each now</h3>
        {summary.openCases.length === 0 ? (
          <p class="muted">No open case.</p>
        ) : (
          <ul class="cards">
            {summary.openCases.map((c) => (
              <li>
                <a href={`/app/cases/${encodeURIComponent(c.caseId)}`}>{c.caseId}</a>{' '}
                <span class={`badge ${c.status}`}>{c.status}</span>
                {c.escalation && <span class="badge escalated">escalated to {c.escalation}</span>}
                <div>{c.summary}</div>
                <div class="muted">
                  {c.product ?? c.category} · with <strong>{holderOf(c.holder)}</strong> · last
                  activity {when(c.lastActivityAt)}
                </div>
                {c.status === 'open' && (
                  <CaseClocks caseId={c.caseId} changedAt={c.lastActivityAt} />
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div>
        <h3>Last handover</h3>
        {summary.lastHandover ? (
          <blockquote>
            <p>{summary.lastHandover.summary}</p>
            <footer class="muted">
              {summary.lastHandover.fromAgentId} to{' '}
              {summary.lastHandover.toAgentId ?? `team ${summary.lastHandover.toTeam}`},{' '}
              {when(summary.lastHandover.handedOverAt)} ({summary.lastHandover.caseId})
            </footer>
          </blockquote>
        ) : (
          <p class="muted">No handover.</p>
        )}
        <h3>Apologies</h3>
        <p>
          {summary.apologies.total === 0
            ? 'None yet.'
            : `${summary.apologies.total} ${summary.apologies.total === 1 ? 'apology' : 'apologies'}: ${Object.entries(
                summary.apologies.byFault,
              )
                .map(
                  ([fault, n]) =>
                    `${n} ${fault === 'ours' ? 'our fault' : fault.replace('_', ' ')}`,
                )
                .join(', ')}`}
        </p>
        <ul>
          {summary.apologies.latest.map((a) => (
            <li>
              “{a.statement}”{' '}
              <span class="muted">
                ({a.agentId},{' '}
                {a.fault === 'third_party'
                  ? `fault of ${a.thirdParty ?? 'a third party'}`
                  : a.fault === 'ours'
                    ? 'our fault'
                    : a.fault}
                , {when(a.apologizedAt)})
              </span>
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3>Fixes applied</h3>
        {summary.fixesApplied.length === 0 ? (
          <p class="muted">None yet.</p>
        ) : (
          <ul>
            {summary.fixesApplied.map((f) => (
              <li>
                {f.description}{' '}
                <span class="muted">
                  ({f.kind ? `${f.kind.replace('_', ' ')}, ` : ''}
                  {f.caseId}, {when(f.appliedAt)})
                </span>
              </li>
            ))}
          </ul>
        )}
        <h3>Open follow-ups</h3>
        {followUps.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <ul>
            {followUps.map((f) => (
              <li>
                {f.caseId}: {f.status}, due {when(f.dueAt)}
                {f.resolution && <span class="muted"> (after “{f.resolution}”)</span>}
              </li>
            ))}
          </ul>
        )}
        {summary.incidents && summary.incidents.length > 0 && (
          <>
            <h3>Incidents that touched them</h3>
            <ul>
              {summary.incidents.map((i) => (
                <li>
                  {i.title} <span class="muted">(declared {when(i.declaredAt)})</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  </section>
);

const Timeline = ({
  entries,
  more,
  loadOlder,
  fresh,
}: {
  entries: TimelineEntry[];
  more: boolean;
  loadOlder: () => void;
  fresh: Set<string>;
}) => (
  <section class="panel" aria-labelledby="timeline">
    <h2 id="timeline">Timeline, newest first</h2>
    <ol class="timeline">
      {entries.map((e) => (
        <li key={e.position} class={fresh.has(e.position) ? 'fresh' : undefined}>
          <time dateTime={e.occurredAt}>{when(e.occurredAt)}</time>
          <div>
            <strong>{readable(e.headline)}</strong>
            <div class="muted">
              {e.type} · {e.actor}
              {e.caseId && (
                <>
                  {' '}
                  · <a href={`/app/cases/${encodeURIComponent(e.caseId)}`}>{e.caseId}</a>
                </>
              )}
            </div>
          </div>
        </li>
      ))}
    </ol>
    {more && (
      <button type="button" class="secondary" onClick={loadOlder}>
        Older entries
      </button>
    )}
  </section>
);

/**
 * The agent's screen: what we already know about the customer, then their timeline. New
 * events show without a reload: the first page is asked for again every few seconds while
 * the tab is visible, and what is new is put on top and announced.
 */
export const CustomerScreen = ({ me, customerId }: { me: Me; customerId?: string }) => {
  if (!may(me, SCREENS.customers))
    return <NotForYou me={me} roles={SCREENS.customers} what="customers' timelines" />;
  return (
    <>
      <h1>{customerId ? `Customer ${customerId}` : 'Find a customer'}</h1>
      <Search key={customerId ?? ''} />
      {customerId && <CustomerStory key={customerId} customerId={customerId} />}
    </>
  );
};

const CustomerStory = ({ customerId }: { customerId: string }) => {
  const path = `/customers/${encodeURIComponent(customerId)}/timeline`;
  // The first page of the timeline (summary included) and the customer's follow-ups.
  const loadStory = () =>
    Promise.all([
      get<TimelinePage>(path),
      get<Answer<'FollowUps'>>(`/follow-ups${query({ customerId, limit: 100 })}`),
    ]);
  const [first] = useLoad(loadStory, [customerId]);
  const [summary, setSummary] = useState<Summary>();
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [followUps, setFollowUps] = useState<FollowUp[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [news, setNews] = useState('');
  const [problem, setProblem] = useState<Error>();
  const known = useRef(new Set<string>());

  useEffect(() => {
    if (first.state !== 'done') return;
    const [page, open] = first.value;
    known.current = new Set(page.entries.map((e) => e.position));
    setSummary(page.summary);
    setEntries(page.entries);
    setCursor(page.nextCursor);
    setFollowUps(open.followUps.filter((f) => OPEN_FOLLOW_UPS.has(f.status)));
  }, [first]);

  useEffect(() => {
    if (first.state !== 'done') return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      loadStory().then(
        ([page, open]) => {
          const added = page.entries.filter((e) => !known.current.has(e.position));
          setProblem(undefined);
          setSummary(page.summary);
          setFollowUps(open.followUps.filter((f) => OPEN_FOLLOW_UPS.has(f.status)));
          if (added.length === 0) return;
          for (const e of added) known.current.add(e.position);
          // In the timeline's order: a contact logged late goes where it happened.
          setEntries((shown) => [...added, ...shown].sort(newestFirst));
          setFresh(new Set(added.map((e) => e.position)));
          setNews(
            `${added.length} new ${added.length === 1 ? 'entry' : 'entries'}: ${readable(added[0]!.headline)}`,
          );
        },
        (error: Error) => setProblem(error),
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [first, path, customerId]);

  const loadOlder = () => {
    if (!cursor) return;
    get<TimelinePage>(`${path}${query({ cursor })}`).then((page) => {
      const older = page.entries.filter((e) => !known.current.has(e.position));
      for (const e of older) known.current.add(e.position);
      setEntries((shown) => [...shown, ...older]);
      setCursor(page.nextCursor);
    }, setProblem);
  };

  return (
    <Show loaded={first}>
      {() =>
        summary ? (
          <>
            <p class="visually-hidden" role="status" aria-live="polite">
              {news}
            </p>
            {problem && <Problem error={problem} />}
            <WhatWeKnow summary={summary} followUps={followUps} />
            <Timeline
              entries={entries}
              more={cursor !== null}
              loadOlder={loadOlder}
              fresh={fresh}
            />
          </>
        ) : null
      }
    </Show>
  );
};
