import { useState } from 'preact/hooks';
import { get, may, query, SCREENS, type Answer, type Me } from '../api';
import { NotForYou, Show, Table, useLoad, when } from '../ui';

type CaseState = Answer<'Case'>;

const TARGET_WORDS: Record<string, string> = {
  firstResponse: 'First response',
  nextResponse: 'Next response',
  resolution: 'Resolution',
};

/** Each clock of the case's SLA: its state and the time that matters for it. */
export const Clocks = ({ sla }: { sla: NonNullable<CaseState['sla']> }) => (
  <ul class="clocks" aria-label={`SLA ${sla.name}`}>
    {Object.values(sla.targets).map((clock) => (
      <li>
        {TARGET_WORDS[clock.target] ?? clock.target}
        {clock.cycle > 1 ? ` (${clock.cycle})` : ''}:{' '}
        <span class={`badge clock-${clock.status}`}>{clock.status}</span>{' '}
        <span class="muted">
          {clock.status === 'met'
            ? when(clock.metAt)
            : clock.status === 'breached'
              ? `due ${when(clock.breachedAt)}`
              : clock.status === 'stopped'
                ? when(clock.stoppedAt)
                : clock.dueAt
                  ? `due ${when(clock.dueAt)}`
                  : 'paused'}
        </span>
      </li>
    ))}
  </ul>
);
type AuditEvent = Answer<'AuditedEvent'>;

const actorOf = (actor: AuditEvent['actor']) =>
  typeof actor === 'string'
    ? actor
    : `${actor.kind}:${actor.id}${actor.via ? ` via ${actor.via}` : ''}`;

const State = ({ state }: { state: CaseState }) => (
  <dl class="facts">
    <dt>Status</dt>
    <dd>
      <span class={`badge ${state.status}`}>{state.status}</span>
      {state.escalation && (
        <span class="badge escalated">escalated to {state.escalation.level}</span>
      )}
    </dd>
    <dt>Customer</dt>
    <dd>
      <a href={`/app/customers/${encodeURIComponent(state.customerId)}`}>{state.customerId}</a>
      {state.accountId && <span class="muted"> · {state.accountId}</span>}
    </dd>
    <dt>Story</dt>
    <dd>{state.summary}</dd>
    <dt>Wants</dt>
    <dd>{state.desiredOutcome ?? '–'}</dd>
    <dt>With</dt>
    <dd>
      {state.holder?.agentId ?? (state.holder?.team ? `team ${state.holder.team}` : 'nobody yet')}
    </dd>
    <dt>Product, category, channel</dt>
    <dd>{[state.product, state.category, state.channel].filter(Boolean).join(' · ')}</dd>
    <dt>Contacts, handovers, reopened</dt>
    <dd>
      {state.contacts} · {state.handovers} · {state.reopenCount}
    </dd>
    <dt>Apologies</dt>
    <dd>
      {state.apologies.length === 0
        ? '–'
        : state.apologies.map((a) => `“${a.statement}” (${a.agentId}, ${a.fault})`).join('; ')}
    </dd>
    <dt>Fixes</dt>
    <dd>
      {Object.values(state.fixes).length === 0
        ? '–'
        : Object.values(state.fixes)
            .map((f) => `${f.description} (${f.kind}, ${f.status})`)
            .join('; ')}
    </dd>
    <dt>SLA</dt>
    <dd>
      {state.sla ? (
        <>
          {state.sla.name}{' '}
          <span class="muted">
            ({state.sla.policyId} v{state.sla.version})
          </span>
          {state.waiting && (
            <span class="badge">
              waiting on the {state.waiting.on.replace('_', ' ')}: {state.waiting.reason}
            </span>
          )}
          <Clocks sla={state.sla} />
        </>
      ) : (
        '–'
      )}
    </dd>
    <dt>Promises</dt>
    <dd>
      {Object.values(state.promises ?? {}).length === 0 ? (
        '–'
      ) : (
        <ul>
          {Object.values(state.promises).map((p) => (
            <li>
              “{p.promise}”{' '}
              <span class="muted">
                ({p.agentId}, due {when(p.dueAt)})
              </span>{' '}
              <span class={`badge promise-${p.status}`}>{p.status}</span>
            </li>
          ))}
        </ul>
      )}
    </dd>
    <dt>Resolution</dt>
    <dd>
      {state.resolution
        ? `${state.resolution.resolution} (${state.resolution.agentId}, ${when(state.resolution.resolvedAt)})`
        : '–'}
    </dd>
  </dl>
);

/** A case now or as it stood at a chosen time, and its audit trail: every event with who and when. */
export const CaseScreen = ({ me, caseId }: { me: Me; caseId: string }) =>
  may(me, SCREENS.customers) ? (
    <CaseView caseId={caseId} />
  ) : (
    <NotForYou me={me} roles={SCREENS.customers} what="cases" />
  );

const CaseView = ({ caseId }: { caseId: string }) => {
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const [asOf, setAsOf] = useState<string>();
  const [state] = useLoad(() => get<CaseState>(`${path}${query({ asOf })}`), [path, asOf]);
  const [audit] = useLoad(() => get<Answer<'CaseAuditTrail'>>(`${path}/events`), [path]);
  const pick = (event: SubmitEvent) => {
    event.preventDefault();
    const local = new FormData(event.currentTarget as HTMLFormElement).get('asOf');
    if (typeof local === 'string' && local) setAsOf(new Date(local).toISOString());
  };
  return (
    <>
      <h1>Case {caseId}</h1>
      <section class="panel" aria-labelledby="case-state">
        <h2 id="case-state">{asOf ? `As it stood at ${when(asOf)}` : 'Now'}</h2>
        <form class="inline" onSubmit={pick}>
          <label for="asOf">As it stood at</label>
          <input id="asOf" name="asOf" type="datetime-local" step="1" required />
          <button type="submit">Show</button>
          {asOf && (
            <button type="button" class="secondary" onClick={() => setAsOf(undefined)}>
              Now
            </button>
          )}
        </form>
        <Show loaded={state}>{(value) => <State state={value} />}</Show>
      </section>
      <section class="panel">
        <Show loaded={audit}>
          {(value) => (
            <Table
              caption="Audit trail"
              rowKey={(e) => String(e.revision)}
              rows={value.events}
              columns={[
                { label: '#', value: (e) => e.revision, numeric: true },
                { label: 'Event', value: (e) => e.type },
                { label: 'Happened', value: (e) => when(e.occurredAt) },
                { label: 'Recorded', value: (e) => when(e.recordedAt) },
                { label: 'Actor', value: (e) => actorOf(e.actor) },
                { label: 'Command', value: (e) => <code>{e.commandId ?? '–'}</code> },
                {
                  label: 'Data',
                  value: (e) => (
                    <details>
                      <summary>data</summary>
                      <pre>{JSON.stringify(e.data, null, 2)}</pre>
                    </details>
                  ),
                },
              ]}
            />
          )}
        </Show>
      </section>
    </>
  );
};
