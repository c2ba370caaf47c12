import {
  githubIssueEvent,
  gitlabIssueHook,
  jiraIssueUpdated,
  linearIssueUpdate,
  type Delivery,
} from '../support/tracker-deliveries';
import {
  readYourWrites,
  removeDir,
  startHeard,
  tempDataDir,
  type RunningHeard,
} from '../support/heard-app';

const SECRETS = {
  github: 'github-webhook-secret-0001',
  gitlab: 'gitlab-webhook-token-0002',
  jira: 'jira-webhook-secret-00003',
  linear: 'linear-webhook-secret-004',
};

/** A product team links an issue to its tracker, closes it there, and the customers are told. */
describe('tracker webhooks', () => {
  jest.setTimeout(90_000);
  let dir: string;
  let heard: RunningHeard;
  const { write, fresh, wrote } = readYourWrites();
  /** A delivery as the tracker sends it: its bytes, its headers, no heard credential. */
  const deliver = async (tracker: string, delivery: Delivery) => {
    const answer = await fetch(`${heard.url}/webhooks/${tracker}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...delivery.headers },
      body: delivery.body,
    });
    const body = (await answer.json()) as any;
    // Read what it wrote: its position, as a command's answer gives one.
    for (const outcome of body.outcomes ?? []) if (outcome.position) wrote(outcome.position);
    return { status: answer.status, body };
  };
  const link = (issueId: string) => async (url: string, onTrackerDone?: 'ask' | 'ship') =>
    write(heard.post(`/issues/${issueId}/tracker-links`, { url, onTrackerDone }));
  const notices = async (issueId: string) =>
    (await heard.get(fresh(`/messages?type=heard.notice.fix-shipped&subject=issue-${issueId}`)))
      .body.messages;
  const audience = async (issueId: string) =>
    (await heard.get(fresh(`/issues/${issueId}/fix-notice-audience`))).body;
  /** An issue a team owns, reported by two customers, one of them an account's. */
  const issueWithReports = async (issueId: string) => {
    await write(
      heard.post('/issues', {
        issueId,
        title: `Issue ${issueId}`,
        product: 'app',
        category: issueId,
      }),
    );
    await write(heard.post(`/issues/${issueId}/acknowledgement`, { team: 'sync', owner: 'pat' }));
    for (const n of [1, 2]) {
      const caseId = `${issueId}-c${n}`;
      await write(
        heard.post('/cases', {
          caseId,
          customerId: `${issueId}-cust${n}`,
          accountId: n === 1 ? 'acme' : undefined,
          channel: 'email',
          product: 'app',
          category: issueId,
          summary: 'Sync stops overnight',
        }),
      );
      await write(heard.post(`/cases/${caseId}/issue-links`, { issueId }));
    }
  };

  beforeAll(async () => {
    dir = tempDataDir();
    heard = await startHeard(dir, {
      HEARD_GITHUB_WEBHOOK_SECRET: SECRETS.github,
      HEARD_GITLAB_WEBHOOK_TOKEN: SECRETS.gitlab,
      HEARD_JIRA_WEBHOOK_SECRET: SECRETS.jira,
      HEARD_LINEAR_WEBHOOK_SECRET: SECRETS.linear,
    });
    await write(
      heard.put('/accounts/acme', {
        name: 'Acme',
        tier: 'enterprise',
        annualRevenue: { amount: 120000, currency: 'EUR' },
        ownerId: 'sam',
      }),
    );
    for (const issueId of ['gh', 'gl', 'jr', 'ln']) await issueWithReports(issueId);
  });
  afterAll(async () => {
    await heard.stop();
    removeDir(dir);
  });

  it('GitHub, ship: an issue closed as completed ships the fix named by its milestone, and the customers are told once', async () => {
    await link('gh')('https://github.com/Acme/App/issues/12', 'ship');
    const closed = githubIssueEvent(SECRETS.github, {
      repo: 'acme/app',
      number: 12,
      action: 'closed',
      state: 'closed',
      stateReason: 'completed',
      milestone: 'v2.4',
    });
    const first = await deliver('github', closed);
    expect(first).toEqual({
      status: 200,
      body: expect.objectContaining({
        tracker: 'github',
        change: { ref: 'acme/app#12', state: 'closed (completed)', done: true, release: 'v2.4' },
        outcomes: [
          {
            issueId: 'gh',
            linkId: 'github:acme/app#12',
            result: 'recorded',
            fixShipped: true,
            position: expect.any(String),
          },
        ],
      }),
    });
    const told = await notices('gh');
    expect(told.map((m: any) => [m.key, m.data.release])).toEqual([
      ['gh-cust1', 'v2.4'],
      ['gh-cust2', 'v2.4'],
    ]);
    // GitHub sends the same delivery again: the first answer, nothing written.
    const again = await deliver('github', closed);
    expect([again.status, again.body.outcomes[0].result]).toEqual([200, 'already_recorded']);
    expect(await notices('gh')).toHaveLength(2);
    expect((await audience('gh')).trackerLinks).toEqual([
      expect.objectContaining({ state: 'closed (completed)', done: true, release: 'v2.4' }),
    ]);
  });

  it('GitLab, ask: a closed issue records the state and leaves the fix waiting for one click', async () => {
    await link('gl')('https://gitlab.com/acme/web/-/issues/7');
    const hook = gitlabIssueHook(SECRETS.gitlab, {
      project: 'acme/web',
      iid: 7,
      state: 'closed',
      action: 'close',
    });
    const taken = await deliver('gitlab', hook);
    expect([taken.status, taken.body.outcomes]).toEqual([
      200,
      [
        {
          issueId: 'gl',
          linkId: 'gitlab:acme/web#7',
          result: 'recorded',
          fixShipped: false,
          position: expect.any(String),
        },
      ],
    ]);
    const waiting = await audience('gl');
    expect(waiting).toMatchObject({
      customers: 2,
      revenueAtStake: { EUR: 120000 },
      fixAwaiting: expect.objectContaining({ linkId: 'gitlab:acme/web#7' }),
    });
    expect(await notices('gl')).toEqual([]);
    // The one click: the team ships it, and the customers are told.
    await write(
      heard.post('/issues/gl/fix-shipped', {
        release: waiting.fixAwaiting.release,
        description: 'Sync keeps running overnight',
      }),
    );
    expect(await notices('gl')).toHaveLength(2);
  });

  it('Jira, ship: a status in the done category ships the fix in its fix versions', async () => {
    await link('jr')('https://acme.atlassian.net/browse/SUP-42', 'ship');
    const review = jiraIssueUpdated(SECRETS.jira, {
      key: 'SUP-42',
      status: 'In Review',
      category: 'indeterminate',
    });
    expect((await deliver('jira', review)).body.outcomes[0]).toMatchObject({
      result: 'recorded',
      fixShipped: false,
    });
    const done = jiraIssueUpdated(SECRETS.jira, {
      key: 'SUP-42',
      status: 'Done',
      category: 'done',
      fixVersions: ['3.1'],
    });
    expect((await deliver('jira', done)).body.outcomes[0]).toMatchObject({ fixShipped: true });
    expect((await notices('jr')).map((m: any) => m.data.release)).toEqual(['3.1', '3.1']);
  });

  it('Linear, ask: a state of type completed leaves the fix waiting', async () => {
    await link('ln')('https://linear.app/acme/issue/ENG-9/sync-stops', 'ask');
    const update = linearIssueUpdate(SECRETS.linear, {
      identifier: 'ENG-9',
      state: 'Released',
      stateType: 'completed',
    });
    expect((await deliver('linear', update)).body.outcomes[0]).toMatchObject({
      result: 'recorded',
      fixShipped: false,
    });
    expect((await audience('ln')).fixAwaiting).toMatchObject({ linkId: 'linear:ENG-9' });
    expect(await notices('ln')).toEqual([]);
  });

  it('answers 401 to a wrong or missing signature, from every tracker, and writes nothing', async () => {
    await write(
      heard.post('/issues', { issueId: 'sig', title: 'Signatures', product: 'app', category: 'x' }),
    );
    const links = {
      github: 'https://github.com/acme/sig/issues/1',
      gitlab: 'https://gitlab.com/acme/sig/-/issues/1',
      jira: 'https://acme.atlassian.net/browse/SIG-1',
      linear: 'https://linear.app/acme/issue/SIG-2',
    };
    for (const url of Object.values(links)) await link('sig')(url, 'ship');
    const deliveries: Record<keyof typeof SECRETS, (secret: string) => Delivery> = {
      github: (s) =>
        githubIssueEvent(s, { repo: 'acme/sig', number: 1, action: 'closed', state: 'closed' }),
      gitlab: (s) =>
        gitlabIssueHook(s, { project: 'acme/sig', iid: 1, state: 'closed', action: 'close' }),
      jira: (s) => jiraIssueUpdated(s, { key: 'SIG-1', status: 'Done', category: 'done' }),
      linear: (s) =>
        linearIssueUpdate(s, { identifier: 'SIG-2', state: 'Done', stateType: 'completed' }),
    };
    const signatureHeader = {
      github: 'x-hub-signature-256',
      gitlab: 'x-gitlab-token',
      jira: 'x-hub-signature',
      linear: 'linear-signature',
    };
    for (const tracker of Object.keys(deliveries) as Array<keyof typeof SECRETS>) {
      const wrong = await deliver(tracker, deliveries[tracker]('not-the-secret-at-all'));
      expect([tracker, wrong.status, wrong.body.error]).toEqual([
        tracker,
        401,
        'webhook.signature_invalid',
      ]);
      const unsigned = deliveries[tracker](SECRETS[tracker]);
      delete unsigned.headers[signatureHeader[tracker]];
      const missing = await deliver(tracker, unsigned);
      expect([tracker, missing.status, missing.body.message]).toEqual([
        tracker,
        401,
        expect.stringContaining('is missing'),
      ]);
    }
    const { trackerLinks } = await audience('sig');
    expect(trackerLinks.map((l: any) => [l.state, l.done])).toEqual([
      [null, false],
      [null, false],
      [null, false],
      [null, false],
    ]);
    const stale = linearIssueUpdate(SECRETS.linear, {
      identifier: 'SIG-2',
      state: 'Done',
      stateType: 'completed',
      sentAt: Date.now() - 5 * 60_000,
    });
    expect((await deliver('linear', stale)).status).toBe(401);
  });

  it('answers 202 to an unlinked tracker issue or an event that is not about an issue, 404 to an unknown tracker', async () => {
    const unlinked = await deliver(
      'github',
      githubIssueEvent(SECRETS.github, {
        repo: 'acme/other',
        number: 5,
        action: 'closed',
        state: 'closed',
      }),
    );
    expect([unlinked.status, unlinked.body.ignored]).toEqual([
      202,
      'no heard issue is linked to GitHub acme/other#5',
    ]);
    const ping = githubIssueEvent(SECRETS.github, {
      repo: 'acme/app',
      number: 12,
      action: 'x',
      state: 'open',
    });
    ping.headers['x-github-event'] = 'ping';
    expect((await deliver('github', ping)).status).toBe(202);
    const unknown = await deliver('bitbucket', { headers: {}, body: '{}' });
    expect([unknown.status, unknown.body.error]).toEqual([404, 'webhook.unknown_tracker']);
  });

  it('takes a payload larger than the command body limit, and refuses a body that is not JSON', async () => {
    const big = githubIssueEvent(SECRETS.github, {
      repo: 'acme/big',
      number: 1,
      action: 'edited',
      state: 'open',
    });
    const padded = JSON.stringify({ ...JSON.parse(big.body), padding: 'x'.repeat(200_000) });
    const signed = githubIssueEvent(SECRETS.github, {
      repo: 'acme/big',
      number: 1,
      action: 'edited',
      state: 'open',
    });
    const { createHmac } = await import('node:crypto');
    signed.headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', SECRETS.github).update(padded).digest('hex')}`;
    expect((await deliver('github', { ...signed, body: padded })).status).toBe(202);
    const form = await fetch(`${heard.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...big.headers },
      body: `payload=${encodeURIComponent(big.body)}`,
    });
    expect(form.status).toBe(415);
  });
});
