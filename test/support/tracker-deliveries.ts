import { createHmac, randomUUID } from 'node:crypto';

/**
 * Webhook deliveries shaped as each tracker documents them, signed as each signs them:
 * what a test sends to heard's receivers.
 */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
}

const hmac = (secret: string, body: string) =>
  createHmac('sha256', secret).update(body).digest('hex');

/** A GitHub `issues` event (docs.github.com: webhook events and payloads, `issues`). */
export const githubIssueEvent = (
  secret: string,
  issue: {
    repo: string;
    number: number;
    action: string;
    state: 'open' | 'closed';
    stateReason?: string | null;
    milestone?: string;
  },
  deliveryId: string = randomUUID(),
): Delivery => {
  const body = JSON.stringify({
    action: issue.action,
    issue: {
      number: issue.number,
      html_url: `https://github.com/${issue.repo}/issues/${issue.number}`,
      title: 'Sync stops overnight',
      state: issue.state,
      state_reason: issue.stateReason ?? null,
      milestone: issue.milestone ? { title: issue.milestone, number: 3 } : null,
      labels: [{ name: 'bug' }],
      user: { login: 'octocat' },
    },
    repository: { full_name: issue.repo, name: issue.repo.split('/')[1] },
    sender: { login: 'octocat' },
  });
  return {
    headers: {
      'x-github-event': 'issues',
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': `sha256=${hmac(secret, body)}`,
      'user-agent': 'GitHub-Hookshot/044aadd',
    },
    body,
  };
};

/** A GitLab issue hook (docs.gitlab.com: webhook events, issue events). */
export const gitlabIssueHook = (
  token: string,
  issue: { project: string; iid: number; state: 'opened' | 'closed'; action: string },
  deliveryId: string = randomUUID(),
): Delivery => {
  const body = JSON.stringify({
    object_kind: 'issue',
    event_type: 'issue',
    user: { username: 'root' },
    project: { path_with_namespace: issue.project, web_url: `https://gitlab.com/${issue.project}` },
    object_attributes: {
      iid: issue.iid,
      title: 'Sync stops overnight',
      state: issue.state,
      action: issue.action,
      milestone_id: null,
      url: `https://gitlab.com/${issue.project}/-/issues/${issue.iid}`,
    },
  });
  return {
    headers: {
      'x-gitlab-event': 'Issue Hook',
      'x-gitlab-token': token,
      'x-gitlab-event-uuid': randomUUID(),
      'idempotency-key': deliveryId,
    },
    body,
  };
};

/** A Jira `jira:issue_updated` (developer.atlassian.com: webhooks, with a secret). */
export const jiraIssueUpdated = (
  secret: string,
  issue: {
    key: string;
    status: string;
    category: 'new' | 'indeterminate' | 'done';
    fixVersions?: string[];
  },
  deliveryId: string = randomUUID(),
): Delivery => {
  const body = JSON.stringify({
    timestamp: Date.now(),
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    issue: {
      key: issue.key,
      fields: {
        summary: 'Sync stops overnight',
        status: { name: issue.status, statusCategory: { key: issue.category, name: issue.status } },
        fixVersions: (issue.fixVersions ?? []).map((name, i) => ({ id: String(10000 + i), name })),
      },
    },
    changelog: { items: [{ field: 'status', toString: issue.status }] },
  });
  return {
    headers: {
      'x-hub-signature': `sha256=${hmac(secret, body)}`,
      'x-atlassian-webhook-identifier': deliveryId,
    },
    body,
  };
};

/** A Linear `Issue` update (linear.app/developers/webhooks). */
export const linearIssueUpdate = (
  secret: string,
  issue: { identifier: string; state: string; stateType: string; sentAt?: number },
  deliveryId: string = randomUUID(),
): Delivery => {
  const body = JSON.stringify({
    action: 'update',
    type: 'Issue',
    data: {
      id: randomUUID(),
      identifier: issue.identifier,
      title: 'Sync stops overnight',
      state: { id: randomUUID(), name: issue.state, type: issue.stateType },
    },
    updatedFrom: { stateId: randomUUID() },
    url: `https://linear.app/acme/issue/${issue.identifier}`,
    webhookTimestamp: issue.sentAt ?? Date.now(),
  });
  return {
    headers: {
      'linear-signature': hmac(secret, body),
      'linear-delivery': deliveryId,
      'linear-event': 'Issue',
    },
    body,
  };
};
