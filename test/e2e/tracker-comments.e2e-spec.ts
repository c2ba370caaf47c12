import { createServer, type IncomingMessage, type Server } from 'node:http';
import {
  readYourWrites,
  removeDir,
  startHeard,
  tempDataDir,
  type RunningHeard,
} from '../support/heard-app';

interface Received {
  tracker: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

const GITHUB_TOKEN = 'ghp_heardcommentbacktest';
const GITLAB_TOKEN = 'glpat-heardcommentback';
const JIRA_TOKEN = 'bot@acme.test:jira-api-token-123';
const LINEAR_KEY = 'lin_api_heardcommentback';
const LINEAR_ISSUE_UUID = '5b1e4b1c-7c1d-4c36-9a47-4d7c0c6f2a11';

/**
 * Stands in for the four trackers' APIs, checking each request as its API reference says
 * it must look (method, path, credential, body), and answering as it would: the created
 * comment, or the error the tracker gives a request it refuses.
 */
const trackerApis = () => {
  const received: Received[] = [];
  /** Requests to fail with a 502 before answering: a tracker that is down for a moment. */
  const outage = { github: 0 };
  const check = (tracker: string, path: string, headers: IncomingMessage['headers'], body: any) => {
    const json = headers['content-type']?.startsWith('application/json');
    switch (tracker) {
      case 'github':
        // REST "Create an issue comment": POST /repos/{owner}/{repo}/issues/{issue_number}/comments
        if (!/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) return [404, 'Not Found'];
        if (headers.authorization !== `Bearer ${GITHUB_TOKEN}`) return [401, 'Bad credentials'];
        if (!json || typeof body?.body !== 'string') return [422, 'Validation Failed'];
        return [201, { id: 1, body: body.body }];
      case 'gitlab':
        // "Create new issue note": POST /projects/:id/issues/:issue_iid/notes, id URL-encoded
        if (!/^\/api\/v4\/projects\/[^/]+%2F[^/]+\/issues\/\d+\/notes$/.test(path))
          return [404, '404 Not Found'];
        if (headers['private-token'] !== GITLAB_TOKEN) return [401, '401 Unauthorized'];
        if (!json || typeof body?.body !== 'string') return [400, 'body is missing'];
        return [201, { id: 1, body: body.body }];
      case 'jira': {
        // Cloud v3 "Add comment": POST /rest/api/3/issue/{issueIdOrKey}/comment, body in ADF
        if (!/^\/rest\/api\/3\/issue\/[A-Z][A-Z0-9_]*-\d+\/comment$/.test(path))
          return [404, 'Issue does not exist'];
        const basic = `Basic ${Buffer.from(JIRA_TOKEN).toString('base64')}`;
        if (headers.authorization !== basic) return [401, 'Unauthorized'];
        const doc = body?.body;
        if (!json || doc?.type !== 'doc' || doc?.version !== 1 || !Array.isArray(doc?.content))
          return [400, 'Comment body is not valid ADF'];
        return [201, { id: '10000' }];
      }
      case 'linear': {
        // GraphQL: POST /graphql, the API key as the Authorization header. The issue query
        // takes an identifier and answers its id; commentCreate takes that id.
        if (path !== '/graphql') return [404, 'Not Found'];
        if (headers.authorization !== LINEAR_KEY)
          return [200, { errors: [{ message: 'Authentication required, not authenticated' }] }];
        const query = String(body?.query);
        if (json && /issue\(id: \$id\)/.test(query))
          return body?.variables?.id === 'ENG-9'
            ? [200, { data: { issue: { id: LINEAR_ISSUE_UUID } } }]
            : [200, { data: { issue: null }, errors: [{ message: 'Entity not found: Issue' }] }];
        if (
          !json ||
          !query.includes('commentCreate') ||
          body?.variables?.input?.issueId !== LINEAR_ISSUE_UUID ||
          typeof body?.variables?.input?.body !== 'string'
        )
          return [200, { errors: [{ message: 'Argument Validation Error' }] }];
        return [200, { data: { commentCreate: { success: true } } }];
      }
    }
    return [404, 'Not Found'];
  };
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const [, tracker, ...rest] = (request.url ?? '').split('/');
      const path = `/${rest.join('/')}`;
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      received.push({ tracker: tracker!, path, headers: request.headers, body });
      if (tracker === 'github' && outage.github > 0) {
        outage.github--;
        response.writeHead(502).end('Bad Gateway');
        return;
      }
      const [status, answer] =
        request.method === 'POST' ? check(tracker!, path, request.headers, body) : [405, 'POST'];
      response.writeHead(status as number, { 'content-type': 'application/json' });
      response.end(JSON.stringify(typeof answer === 'string' ? { message: answer } : answer));
    });
  });
  return { server, received, outage };
};

/** heard comments once on each linked tracker issue, with who is waiting on it. */
describe('the comment back', () => {
  jest.setTimeout(90_000);
  let dir: string;
  let heard: RunningHeard;
  let apis: ReturnType<typeof trackerApis>;
  const { write, fresh } = readYourWrites();
  const until = async <T>(check: () => Promise<T | undefined>, what: string): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const links = async (issueId: string) =>
    (await heard.get(fresh(`/issues/${issueId}/fix-notice-audience`))).body.trackerLinks;

  beforeAll(async () => {
    apis = trackerApis();
    await new Promise<void>((resolve) => apis.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(apis.server.address() as { port: number }).port}`;
    // GitHub is down for its first two requests.
    apis.outage.github = 2;
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_SCHEDULER_INTERVAL: '200ms',
      HEARD_GITHUB_TOKEN: GITHUB_TOKEN,
      HEARD_GITHUB_API_URL: `${base}/github`,
      HEARD_GITLAB_TOKEN: GITLAB_TOKEN,
      HEARD_GITLAB_API_URL: `${base}/gitlab/api/v4`,
      HEARD_JIRA_TOKEN: JIRA_TOKEN,
      HEARD_JIRA_API_URL: `${base}/jira`,
      HEARD_LINEAR_API_KEY: LINEAR_KEY,
      HEARD_LINEAR_API_URL: `${base}/linear/graphql`,
    });
    await write(
      heard.put('/accounts/acme', {
        name: 'Acme Corp',
        tier: 'enterprise',
        annualRevenue: { amount: 120000, currency: 'EUR' },
        ownerId: 'sam',
      }),
    );
    await write(
      heard.post('/issues', { issueId: 'sync', title: 'Sync', product: 'app', category: 'sync' }),
    );
    for (const n of [1, 2, 3]) {
      await write(
        heard.post('/cases', {
          caseId: `c${n}`,
          customerId: `cust-${n}`,
          accountId: n === 1 ? 'acme' : undefined,
          channel: 'email',
          product: 'app',
          category: 'sync',
          summary: 'Sync stops overnight',
        }),
      );
      await write(heard.post(`/cases/c${n}/issue-links`, { issueId: 'sync' }));
    }
  });
  afterAll(async () => {
    await heard?.stop();
    removeDir(dir);
    await new Promise((resolve) => apis.server.close(resolve));
  });

  it('comments once on each tracker as its API documents, with counts and revenue and no names', async () => {
    for (const url of [
      'https://gitlab.example.com/acme/web/-/issues/7',
      'https://acme.atlassian.net/browse/SUP-42',
      'https://linear.app/acme/issue/ENG-9',
    ])
      await write(heard.post('/issues/sync/tracker-links', { url }));
    const commented = await until(async () => {
      const all = await links('sync');
      return all.length === 3 && all.every((l: any) => l.commented) ? all : undefined;
    }, 'three comments recorded');
    expect(commented.map((l: any) => l.linkId)).toEqual([
      'gitlab:acme/web#7',
      'jira:SUP-42',
      'linear:ENG-9',
    ]);
    // Linear: the issue looked up by its identifier, then the comment on its id.
    expect(
      apis.received.filter((r) => r.tracker === 'linear').map((r) => r.body.variables),
    ).toEqual([
      { id: 'ENG-9' },
      { input: expect.objectContaining({ issueId: LINEAR_ISSUE_UUID }) },
    ]);
    const byTracker = Object.fromEntries(apis.received.map((r) => [r.tracker, r]));
    expect(byTracker.gitlab).toMatchObject({ path: '/api/v4/projects/acme%2Fweb/issues/7/notes' });
    expect(byTracker.jira).toMatchObject({ path: '/rest/api/3/issue/SUP-42/comment' });
    const text = byTracker.gitlab!.body.body as string;
    expect(text).toBe(
      'heard: 3 customers from 1 account (EUR 120,000 in annual revenue) reported this (heard issue sync) and will be told when the fix ships.',
    );
    expect(byTracker.jira!.body.body.content[0].content[0].text).toBe(text);
    // Nobody's name or id leaves heard: a tracker may be public.
    for (const r of apis.received) expect(JSON.stringify(r.body)).not.toMatch(/cust-|acme corp/i);
    // Further passes comment no more.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(apis.received.map((r) => r.tracker).sort()).toEqual([
      'gitlab',
      'jira',
      'linear',
      'linear',
    ]);
  });

  it('tries a tracker that is down again later, says so in health, and comments once it answers', async () => {
    await write(
      heard.post('/issues/sync/tracker-links', { url: 'https://github.com/acme/app/issues/12' }),
    );
    const health = await until(async () => {
      const h = (await heard.get('/health')).body;
      return h.parts.scheduler.trackerComments?.failed >= 1 ? h : undefined;
    }, 'the failure in /health');
    expect(health.status).toBe('ok');
    expect(health.parts.scheduler.trackerComments.lastError).toMatch(/GitHub acme\/app#12: .* 502/);
    const github = await until(async () => {
      const link = (await links('sync')).find((l: any) => l.tracker === 'github');
      return link?.commented ? link : undefined;
    }, 'the GitHub comment after the outage');
    expect(github.linkId).toBe('github:acme/app#12');
    const calls = apis.received.filter((r) => r.tracker === 'github');
    expect(calls.map((r) => r.path)).toEqual([
      '/repos/acme/app/issues/12/comments',
      '/repos/acme/app/issues/12/comments',
      '/repos/acme/app/issues/12/comments',
    ]);
    expect(calls[2]!.headers).toMatchObject({
      authorization: `Bearer ${GITHUB_TOKEN}`,
      accept: 'application/vnd.github+json',
    });
  });
});
