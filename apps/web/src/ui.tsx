import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, downloadCsv, type Me, type Role } from './api';

/** A value the screens load: while loading, the answer, or what went wrong. */
type Loaded<T> =
  { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: Error };

/** Loads again whenever a dependency changes; `reload` asks again by hand. */
export const useLoad = <T,>(load: () => Promise<T>, deps: unknown[]) => {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (error: Error) => current && setLoaded({ state: 'failed', error }),
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return [loaded, () => setRound((r) => r + 1)] as const;
};

export const Problem = ({ error }: { error: Error }) => (
  <p class="problem" role="alert">
    {error instanceof ApiError && error.status === 403
      ? `Your key may not see this${error.requiredRoles ? `: it needs ${roleList(error.requiredRoles)}` : ''}.`
      : error.message}
  </p>
);

/** What a load shows: a polite "loading", the problem, or its content. */
export const Show = <T,>({
  loaded,
  children,
}: {
  loaded: Loaded<T>;
  children: (value: T) => ComponentChildren;
}) => {
  if (loaded.state === 'loading')
    return (
      <p class="muted" aria-busy="true">
        Loading…
      </p>
    );
  if (loaded.state === 'failed') return <Problem error={loaded.error} />;
  return <>{children(loaded.value)}</>;
};

const roleList = (roles: readonly string[]) =>
  roles.length > 1 ? `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}` : roles[0];

/** A screen the signed-in role may not see says so, and which roles may. */
export const NotForYou = ({
  me,
  roles,
  what,
}: {
  me: Me;
  roles: readonly Role[];
  what: string;
}) => (
  <section class="panel" aria-labelledby="not-for-you">
    <h1 id="not-for-you">Not for your role</h1>
    <p role="alert">
      {me.id} ({me.roles.join(', ')}) may not see {what}: it needs a key with the role{' '}
      {roleList([...roles, 'admin'])}.
    </p>
  </section>
);

const DownloadCsv = ({ path, fileName }: { path: string; fileName: string }) => {
  const [problem, setProblem] = useState<Error>();
  return (
    <span class="download">
      <button
        type="button"
        class="secondary"
        onClick={() =>
          void downloadCsv(path, fileName).then(() => setProblem(undefined), setProblem)
        }
      >
        Download CSV<span class="visually-hidden"> of {fileName}</span>
      </button>
      {problem && <Problem error={problem} />}
    </span>
  );
};

interface Column<Row> {
  label: string;
  value: (row: Row) => ComponentChildren;
  numeric?: boolean;
}

/** A table with a caption (its accessible name) and, when given, its CSV download. */
export const Table = <Row,>({
  caption,
  columns,
  rows,
  csv,
  rowKey,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  csv?: { path: string; fileName: string };
  rowKey: (row: Row) => string;
}) => (
  <div class="table-block">
    <div class="table-head">
      <h3>{caption}</h3>
      {csv && <DownloadCsv {...csv} />}
    </div>
    {rows.length === 0 ? (
      <p class="muted">None.</p>
    ) : (
      <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption class="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col" class={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td class={c.numeric ? 'num' : undefined}>{c.value(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )}
  </div>
);

export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '–';

/** A headline as the server wrote it, with the ISO times in it in the reader's own words. */
export const readable = (text: string) =>
  text.replace(
    /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g,
    (iso) => when(iso),
  );

export const num = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

export const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`;
