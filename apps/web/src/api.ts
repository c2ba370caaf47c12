/** heard's API, called with the signed-in key; the key lives in this tab's session only. */

import type { components } from './generated/heard-api';
import { ROLES, ROUTE_ROLES } from './generated/route-roles';

export type Role = (typeof ROLES)[number];

/** What a route of heard answers, by the name its OpenAPI document gives it. */
export type Answer<Name extends keyof components['schemas']> = components['schemas'][Name];

export type Me = Answer<'Me'>;

const KEY = 'heard.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);

/** heard's error body, with what the screens show of it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requiredRoles?: string[],
  ) {
    super(message);
  }
}

/** Told when the key stops proving anything (revoked, expired): the app signs out. */
let onUnauthenticated: () => void = () => {};
export const whenUnauthenticated = (handler: () => void) => {
  onUnauthenticated = handler;
};

const call = async (path: string, init: RequestInit & { key?: string } = {}): Promise<Response> => {
  const key = init.key ?? storedKey();
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', `Bearer ${key}`);
  if (init.body) headers.set('content-type', 'application/json');
  const response = await fetch(path, { ...init, headers });
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as {
    error?: string;
    message?: string;
    requiredRoles?: string[];
    fields?: Array<{ field: string; rules: Record<string, string> }>;
  };
  const message = body.fields
    ? body.fields.map((f) => Object.values(f.rules).join('; ')).join('; ')
    : (body.message ?? response.statusText);
  const error = new ApiError(
    response.status,
    body.error ?? String(response.status),
    message,
    body.requiredRoles,
  );
  if (response.status === 401 && !init.key) onUnauthenticated();
  throw error;
};

export const get = async <T>(path: string, key?: string): Promise<T> =>
  (await call(path, { key })).json() as Promise<T>;

/** The store position of this tab's last write: reads after it wait until they include it. */
let lastWrite: string | undefined;

export const post = async <T>(path: string, body: unknown): Promise<T> => {
  const answer = (await (
    await call(path, { method: 'POST', body: JSON.stringify(body) })
  ).json()) as T & {
    position?: string;
  };
  if (answer.position) lastWrite = answer.position;
  return answer;
};

/** `minPosition` of this tab's last write, for a read that must show it (read-your-writes). */
export const afterMyWrites = () => lastWrite;

/** The same report as CSV (`Accept: text/csv`), saved as a file by the browser. */
export const downloadCsv = async (path: string, fileName: string) => {
  const response = await call(path, { headers: { accept: 'text/csv' } });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** A query string from the given parameters, leaving out the empty ones. */
export const query = (params: Record<string, string | number | undefined | null>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Who may see each screen: the roles of the route it reads, or of the command it sends. */
export const SCREENS = {
  customers: ROUTE_ROLES['GET /customers'],
  issues: ROUTE_ROLES['GET /reports/recurring-issues'],
  candidates: ROUTE_ROLES['GET /reports/candidate-issues'],
  acceptCandidate: ROUTE_ROLES['POST /candidate-issues/:candidateId/acceptance'],
  announceFix: ROUTE_ROLES['POST /issues/:issueId/fix-shipped'],
  linkTracker: ROUTE_ROLES['POST /issues/:issueId/tracker-links'],
  kpis: ROUTE_ROLES['GET /reports/kpis'],
  messages: ROUTE_ROLES['GET /messages'],
  sla: ROUTE_ROLES['GET /reports/sla'],
} satisfies Record<string, readonly Role[]>;

export const may = (me: Me, roles: readonly Role[]) =>
  me.roles.some((role) => role === 'admin' || roles.includes(role));
