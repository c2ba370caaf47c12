import { createHmac } from 'node:crypto';
import {
  githubIssueEvent,
  gitlabIssueHook,
  jiraIssueUpdated,
  linearIssueUpdate,
  type Delivery,
} from '../../../test/support/tracker-deliveries';
import { LINEAR_MAX_AGE_MS, readDelivery } from './webhook-deliveries';
import type { Tracker } from '@heard/domain';

const SECRET = 'a-webhook-secret-of-the-team';
const read = (tracker: Tracker, d: Delivery, secret = SECRET, now = Date.now()) =>
  readDelivery(tracker, d.headers, Buffer.from(d.body), secret, now);
const without = (d: Delivery, header: string): Delivery => {
  const headers = { ...d.headers };
  delete headers[header];
  return { ...d, headers };
};

describe('webhook deliveries', () => {
  describe('GitHub', () => {
    const closed = (stateReason: string | null, milestone?: string) =>
      githubIssueEvent(
        SECRET,
        { repo: 'Acme/App', number: 12, action: 'closed', state: 'closed', stateReason, milestone },
        'd-1',
      );

    it('reads an issue closed as completed, with its milestone', () => {
      expect(read('github', closed('completed', 'v2.4'))).toEqual({
        kind: 'change',
        deliveryId: 'd-1',
        change: { ref: 'acme/app#12', state: 'closed (completed)', done: true, release: 'v2.4' },
      });
    });

    it('does not take an issue closed as not planned for done', () => {
      expect(read('github', closed('not_planned'))).toMatchObject({
        change: { state: 'closed (not planned)', done: false },
      });
    });

    it('refuses a wrong or missing X-Hub-Signature-256, and a body changed after signing', () => {
      expect(read('github', closed('completed'), 'another-secret-entirely')).toEqual({
        kind: 'refused',
        reason: 'X-Hub-Signature-256 does not match HEARD_GITHUB_WEBHOOK_SECRET',
      });
      expect(read('github', without(closed('completed'), 'x-hub-signature-256'))).toEqual({
        kind: 'refused',
        reason: 'X-Hub-Signature-256 is missing',
      });
      const changed = closed('not_planned');
      changed.body = changed.body.replace('not_planned', 'completed');
      expect(read('github', changed).kind).toBe('refused');
    });

    it('answers a ping as nothing to record', () => {
      const ping = closed('completed');
      ping.headers['x-github-event'] = 'ping';
      expect(read('github', ping)).toMatchObject({ kind: 'ignored', deliveryId: 'd-1' });
    });
  });

  describe('GitLab', () => {
    const hook = (state: 'opened' | 'closed') =>
      gitlabIssueHook(
        SECRET,
        { project: 'Acme/Web', iid: 7, state, action: state === 'closed' ? 'close' : 'reopen' },
        'k-1',
      );
    it('reads an issue hook that closes an issue, named by its Idempotency-Key', () => {
      expect(read('gitlab', hook('closed'))).toEqual({
        kind: 'change',
        deliveryId: 'k-1',
        change: { ref: 'acme/web#7', state: 'closed', done: true },
      });
      expect(read('gitlab', hook('opened'))).toMatchObject({ change: { done: false } });
    });
    it('refuses a wrong or missing X-Gitlab-Token', () => {
      expect(read('gitlab', hook('closed'), 'another-token-entirely').kind).toBe('refused');
      expect(read('gitlab', without(hook('closed'), 'x-gitlab-token')).kind).toBe('refused');
    });
  });

  describe('Jira', () => {
    const updated = (category: 'indeterminate' | 'done') =>
      jiraIssueUpdated(
        SECRET,
        {
          key: 'sup-42',
          status: category === 'done' ? 'Shipped' : 'In Review',
          category,
          fixVersions: ['3.1', '3.1.1'],
        },
        'j-1',
      );
    it('takes a status in the done category as done, whatever the workflow calls it', () => {
      expect(read('jira', updated('done'))).toEqual({
        kind: 'change',
        deliveryId: 'j-1',
        change: { ref: 'SUP-42', state: 'Shipped', done: true, release: '3.1, 3.1.1' },
      });
      expect(read('jira', updated('indeterminate'))).toMatchObject({ change: { done: false } });
    });
    it('refuses a wrong or missing X-Hub-Signature', () => {
      expect(read('jira', updated('done'), 'another-secret-entirely').kind).toBe('refused');
      expect(read('jira', without(updated('done'), 'x-hub-signature')).kind).toBe('refused');
    });
  });

  describe('Linear', () => {
    const update = (stateType: string, sentAt?: number) =>
      linearIssueUpdate(
        SECRET,
        { identifier: 'eng-9', state: 'Released', stateType, sentAt },
        'l-1',
      );
    it('takes a state of type completed as done', () => {
      expect(read('linear', update('completed'))).toEqual({
        kind: 'change',
        deliveryId: 'l-1',
        change: { ref: 'ENG-9', state: 'Released', done: true },
      });
      expect(read('linear', update('canceled'))).toMatchObject({ change: { done: false } });
    });
    it('refuses a wrong or missing Linear-Signature, and a delivery older than a minute', () => {
      expect(read('linear', update('completed'), 'another-secret-entirely').kind).toBe('refused');
      expect(read('linear', without(update('completed'), 'linear-signature')).kind).toBe('refused');
      const old = update('completed', Date.now() - LINEAR_MAX_AGE_MS - 1000);
      expect(read('linear', old)).toEqual({
        kind: 'refused',
        reason: 'webhookTimestamp is missing or more than a minute away: a replayed delivery',
      });
    });
  });

  it('names a delivery without an id by its bytes, so that the same bytes again are the same delivery', () => {
    const d = without(
      githubIssueEvent(SECRET, { repo: 'a/b', number: 1, action: 'closed', state: 'closed' }),
      'x-github-delivery',
    );
    const first = read('github', d);
    expect(first).toMatchObject({ deliveryId: expect.stringMatching(/^sha256-[0-9a-f]{64}$/) });
    expect(read('github', d)).toEqual(first);
  });

  it('answers a signed body that is not JSON as malformed', () => {
    const body = 'not json';
    const signed = githubIssueEvent(SECRET, { repo: 'a/b', number: 1, action: 'x', state: 'open' });
    signed.headers['x-hub-signature-256'] =
      `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(read('github', { ...signed, body }).kind).toBe('malformed');
  });
});
