import type { CommandBus } from '@nestjs/cqrs';
import type { HeardConfig } from '@heard/config';
import {
  DomainRuleViolation,
  HEARD_ITSELF,
  issueRules,
  trackerIssueName,
  type Tracker,
} from '@heard/domain';
import { readIssueDemand, readTrackerLinks } from '@heard/projections';
import type { ReadStore } from '@heard/read-store';
import { ExecuteDomainCommand } from '@heard/commands';

interface CommentLogger {
  log(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Who waits on a tracker issue, as the comment says it: counts and sums, never who. */
export interface Waiting {
  issueId: string;
  customers: number;
  accounts: number;
  revenueAtStake: Record<string, number>;
}

/** One request a tracker's API documents for adding a comment. */
interface ApiRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A link heard comments on: where it is, and the token of its tracker. */
interface LinkToComment {
  tracker: Tracker;
  ref: string;
  url: string;
}

const money = (revenue: Record<string, number>) =>
  Object.entries(revenue)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => `${currency} ${amount.toLocaleString('en-US')}`)
    .join(' + ');

/** The comment's words: no names, no ids of customers or accounts (a tracker may be public). */
export const commentText = (w: Waiting): string => {
  const who = `${w.customers} customer${w.customers === 1 ? '' : 's'}`;
  const accounts =
    w.accounts > 0
      ? ` from ${w.accounts} account${w.accounts === 1 ? '' : 's'} (${money(w.revenueAtStake)} in annual revenue)`
      : '';
  return `heard: ${who}${accounts} reported this (heard issue ${w.issueId}) and will be told when the fix ships.`;
};

/** `owner/repo#12` (GitHub, GitLab): the repository or project, and the issue's number. */
const owner = (ref: string) => ref.slice(0, ref.lastIndexOf('#'));
const number = (ref: string) => ref.slice(ref.lastIndexOf('#') + 1);

/** The site a link's URL names: where a self-managed GitLab's and a Jira site's APIs are. */
const siteOf = (url: string) => new URL(url).origin;

const LINEAR_API = 'https://api.linear.app/graphql';
/** A personal API key goes as it is; an OAuth token would be "Bearer …". */
const linearHeaders = (token: string) => ({ authorization: token });

/** Linear's `issue` query takes an issue's identifier (ENG-12): it answers the issue's id. */
export const linearIssueQuery = (
  ref: string,
  token: string,
  apiUrl: string | undefined,
): ApiRequest => ({
  url: apiUrl ?? LINEAR_API,
  headers: linearHeaders(token),
  body: {
    query: 'query HeardIssue($id: String!) { issue(id: $id) { id } }',
    variables: { id: ref },
  },
});

/**
 * Each tracker's "add a comment" call, as its API reference gives it: GitHub's REST "Create
 * an issue comment", GitLab's "Create new issue note", Jira Cloud's v3 "Add comment" (its
 * body in Atlassian Document Format) and Linear's GraphQL `commentCreate` (with the issue's
 * id, which `linearIssueQuery` finds).
 */
export const commentRequest = (
  link: LinkToComment,
  text: string,
  token: string,
  apiUrl: string | undefined,
  linearIssueId?: string,
): ApiRequest => {
  switch (link.tracker) {
    case 'github':
      return {
        url: `${apiUrl ?? 'https://api.github.com'}/repos/${owner(link.ref)}/issues/${number(link.ref)}/comments`,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
        },
        body: { body: text },
      };
    case 'gitlab':
      return {
        url: `${apiUrl ?? `${siteOf(link.url)}/api/v4`}/projects/${encodeURIComponent(owner(link.ref))}/issues/${number(link.ref)}/notes`,
        headers: { 'private-token': token },
        body: { body: text },
      };
    case 'jira':
      return {
        url: `${apiUrl ?? siteOf(link.url)}/rest/api/3/issue/${encodeURIComponent(link.ref)}/comment`,
        headers: {
          authorization: `Basic ${Buffer.from(token).toString('base64')}`,
          accept: 'application/json',
        },
        body: {
          body: {
            type: 'doc',
            version: 1,
            content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
          },
        },
      };
    case 'linear':
      return {
        url: apiUrl ?? LINEAR_API,
        headers: linearHeaders(token),
        body: {
          query:
            'mutation HeardComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }',
          variables: { input: { issueId: linearIssueId, body: text } },
        },
      };
  }
};

/** After a failed comment, the next try waits this long, doubling up to an hour. */
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 3_600_000;
/** A tracker's API that does not answer within this is a failed try. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The comment back: on each link of a tracker heard has a token for, once, a comment with
 * the customers and revenue waiting on it; then RecordTrackerComment, so that no other pass
 * or instance comments again. It runs under the scheduler's lease. A comment the tracker
 * took but whose recording failed (a crash between the two) is made again: at least once.
 */
export class TrackerCommentBack {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private commented = 0;
  private failed = 0;
  private lastError?: string;
  private readonly retryAt = new Map<string, { at: number; waitMs: number }>();
  /**
   * Links this process has commented on: not again, even while the read model does not show
   * the record yet, or the issue refused it (closed meanwhile).
   */
  private readonly settled = new Set<string>();
  /** Aborted on stop: a call in flight ends, and no other starts. */
  private stopping = new AbortController();

  constructor(
    private readonly bus: Pick<CommandBus, 'execute'>,
    private readonly reads: ReadStore,
    private readonly comments: HeardConfig['trackerComments'],
    private readonly options: {
      intervalMs: number;
      logger?: CommentLogger;
      fetch?: typeof fetch;
      now?: () => number;
    },
  ) {}

  /** On when a tracker has a token: otherwise nothing runs. */
  get enabled(): boolean {
    return Object.keys(this.comments).length > 0;
  }

  /** Starts its passes; does not wait for the first (a tracker may be slow to answer). */
  start(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    this.stopping = new AbortController();
    this.timer = setInterval(() => void this.pass(), Math.max(this.options.intervalMs, 1000));
    this.timer.unref();
    void this.pass();
    return Promise.resolve();
  }

  pass(): Promise<void> {
    this.running ??= this.commentAll()
      .catch((error: unknown) =>
        this.options.logger?.error('The comment back failed; retrying at the next interval', error),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async commentAll(): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    for (const tracker of Object.keys(this.comments) as Tracker[]) {
      const links = (await readTrackerLinks(this.reads, { tracker, openIssuesOnly: true })).filter(
        (l) => !l.commented,
      );
      for (const link of links) {
        if (this.stopping.signal.aborted) return;
        const key = `${link.issueId} ${link.linkId}`;
        if (this.settled.has(key)) continue;
        const retry = this.retryAt.get(key);
        if (retry && retry.at > now) continue;
        try {
          await this.commentOn({ ...link, tracker });
          this.settled.add(key);
          this.retryAt.delete(key);
        } catch (error) {
          if (this.stopping.signal.aborted) return; // stopped mid-call: the next holder tries
          const waitMs = Math.min((retry?.waitMs ?? FIRST_RETRY_MS / 2) * 2, LAST_RETRY_MS);
          this.retryAt.set(key, { at: now + waitMs, waitMs });
          this.failed++;
          this.lastError = `${trackerIssueName(tracker, link.ref)}: ${(error as Error).message}`;
          this.options.logger?.error(
            `Commenting on ${this.lastError}; trying again in ${Math.round(waitMs / 1000)} s`,
          );
        }
      }
    }
  }

  /** Comments, then records it on the issue. */
  private async commentOn(link: LinkToComment & { issueId: string; linkId: string }) {
    const { token, apiUrl } = this.comments[link.tracker]!;
    const demand = await readIssueDemand(this.reads, link.issueId);
    const waiting: Waiting = {
      issueId: link.issueId,
      customers: demand.customers,
      accounts: demand.accounts.length,
      revenueAtStake: demand.revenueAtStake,
    };
    let linearIssueId: string | undefined;
    if (link.tracker === 'linear') {
      const found = (await this.send(linearIssueQuery(link.ref, token, apiUrl))) as {
        data?: { issue?: { id?: string } | null };
      };
      linearIssueId = found.data?.issue?.id;
      if (!linearIssueId) throw new Error(`Linear has no issue ${link.ref} for this API key`);
    }
    const made = (await this.send(
      commentRequest(link, commentText(waiting), token, apiUrl, linearIssueId),
    )) as { data?: { commentCreate?: { success?: boolean } } } | undefined;
    if (link.tracker === 'linear' && made?.data?.commentCreate?.success !== true)
      throw new Error(`Linear did not create the comment on ${link.ref}`);
    const commandId = `${HEARD_ITSELF}:comment:${link.issueId}:${link.linkId}`;
    const at = new Date().toISOString();
    try {
      await this.bus.execute(
        new ExecuteDomainCommand(
          {
            type: 'RecordTrackerComment',
            issueId: link.issueId,
            linkId: link.linkId,
            customers: waiting.customers,
            revenueAtStake: waiting.revenueAtStake,
            at,
          },
          {
            commandId,
            correlationId: commandId,
            causationId: commandId,
            actor: { id: HEARD_ITSELF, kind: 'system', role: 'scheduler' },
            occurredAt: at,
          },
          commandId,
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainRuleViolation)) throw error;
      // Recorded already (the read model was behind): the comment stands, once.
      if (error.rule !== issueRules.trackerAlreadyCommented) {
        this.options.logger?.log(
          `Commented on ${trackerIssueName(link.tracker, link.ref)}, but ${error.message}: not commenting there again`,
        );
        this.commented++;
        return;
      }
    }
    this.commented++;
    this.options.logger?.log(
      `Commented on ${trackerIssueName(link.tracker, link.ref)}: ${waiting.customers} customer(s) waiting`,
    );
  }

  /** One call; its JSON answer, or an error naming the URL and what the tracker said. */
  private async send(request: ApiRequest): Promise<unknown> {
    const answer = await (this.options.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'heard (comment back)',
        ...request.headers,
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), this.stopping.signal]),
    });
    const text = await answer.text();
    if (!answer.ok)
      throw new Error(`${request.url} answered ${answer.status}: ${text.slice(0, 200)}`);
    let body: { errors?: Array<{ message?: string }> } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return undefined; // a comment was made; its answer is not heard's to read
    }
    // GraphQL answers 200 with its errors in the body.
    if (body?.errors?.length)
      throw new Error(`${request.url} refused it: ${body.errors.map((e) => e.message).join('; ')}`);
    return body;
  }

  status() {
    return {
      running: !!this.timer,
      commented: this.commented,
      failed: this.failed,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }
}
