import { specFor } from '../testing/given-when-then';
import { issueDecider, issueRules, type IssueEvent } from './issue';
import { parseTrackerUrl } from './tracker';

const at = '2026-03-01T10:00:00.000Z';
const later = '2026-03-02T10:00:00.000Z';
const issueId = 'i1';
const identified: IssueEvent = {
  type: 'IssueIdentified',
  data: { issueId, title: 'Zip breaks', product: 'bag', category: 'defect', identifiedAt: at },
};
const acknowledged: IssueEvent = {
  type: 'IssueAcknowledged',
  data: { issueId, team: 'bags', owner: 'pm-1', acknowledgedAt: at },
};
const linked = (onTrackerDone: 'ask' | 'ship'): IssueEvent => ({
  type: 'TrackerLinked',
  data: {
    issueId,
    linkId: 'github:acme/app#12',
    tracker: 'github',
    ref: 'acme/app#12',
    url: 'https://github.com/Acme/App/issues/12',
    onTrackerDone,
    linkedAt: at,
  },
});
const done = {
  type: 'RecordTrackerState' as const,
  issueId,
  at: later,
  linkId: 'github:acme/app#12',
  state: 'closed: completed',
  done: true,
  release: 'v2.4',
  deliveryId: 'd-1',
};
const changed: IssueEvent = {
  type: 'TrackerStateChanged',
  data: {
    issueId,
    linkId: 'github:acme/app#12',
    state: 'closed: completed',
    done: true,
    release: 'v2.4',
    deliveryId: 'd-1',
    changedAt: later,
  },
};

describe('tracker URLs', () => {
  it.each([
    ['https://github.com/Acme/App/issues/12', 'github', 'acme/app#12'],
    ['https://github.example.com/acme/app/issues/7?x=1', 'github', 'acme/app#7'],
    ['https://gitlab.com/acme/tools/app/-/issues/3', 'gitlab', 'acme/tools/app#3'],
    ['https://git.example.org/acme/app/-/work_items/9', 'gitlab', 'acme/app#9'],
    ['https://acme.atlassian.net/browse/shop-123', 'jira', 'SHOP-123'],
    ['https://linear.app/acme/issue/ENG-42/zip-breaks', 'linear', 'ENG-42'],
  ])('reads %s as %s %s', (url, tracker, ref) =>
    expect(parseTrackerUrl(url)).toMatchObject({ tracker, ref, linkId: `${tracker}:${ref}` }),
  );

  it.each([
    'not a url',
    'ftp://github.com/acme/app/issues/1',
    'https://github.com/acme/app/pull/12',
    'https://github.com/acme/app/issues/0',
    'https://linear.app/acme/project/x',
    'https://acme.atlassian.net/browse/123',
  ])('refuses %s', (url) => expect(parseTrackerUrl(url)).toBeUndefined());
});

describe('Issue decider: tracker links', () => {
  const spec = specFor(issueDecider);

  it('links a tracker issue, asking by default', () =>
    spec([identified])
      .when({ type: 'LinkTracker', issueId, at, url: 'https://github.com/Acme/App/issues/12' })
      .then([linked('ask')]));

  it('refuses a URL that names no tracker issue, and the same link twice', () => {
    spec([identified])
      .when({ type: 'LinkTracker', issueId, at, url: 'https://example.com/x' })
      .thenRefuses(issueRules.trackerUrl, 'invalid');
    spec([identified, linked('ask')])
      .when({ type: 'LinkTracker', issueId, at, url: 'https://github.com/acme/app/issues/12' })
      .thenRefuses(issueRules.trackerAlreadyLinked, 'conflict');
  });

  it('ask: records the done state, and the fix waits for a person', () =>
    spec([identified, acknowledged, linked('ask')])
      .when(done)
      .then([changed]));

  it('ship: ships the fix itself, naming the milestone as the release', () =>
    spec([identified, acknowledged, linked('ship')])
      .when(done)
      .then([
        changed,
        {
          type: 'FixShipped',
          data: {
            issueId,
            release: 'v2.4',
            description: 'Closed as done in GitHub: https://github.com/Acme/App/issues/12',
            creditCustomers: true,
            shippedAt: later,
            trackerLinkId: 'github:acme/app#12',
          },
        },
      ]));

  it('ship with no milestone names the tracker issue; with no owner the fix waits', () => {
    spec([identified, acknowledged, linked('ship')])
      .when({ ...done, release: undefined })
      .then([
        { ...changed, data: { ...changed.data, release: undefined } },
        expect.objectContaining({
          type: 'FixShipped',
          data: expect.objectContaining({ release: 'GitHub acme/app#12' }),
        }),
      ]);
    spec([identified, linked('ship')])
      .when(done)
      .then([changed]);
  });

  it('refuses a state it already has, and a tracker issue it does not know', () => {
    spec([identified, acknowledged, linked('ship'), changed])
      .when(done)
      .thenRefuses(issueRules.trackerStateUnchanged, 'conflict');
    spec([identified]).when(done).thenRefuses(issueRules.trackerNotLinked, 'not_found');
  });

  it('comments once per link', () => {
    const comment = {
      type: 'RecordTrackerComment' as const,
      issueId,
      at,
      linkId: 'github:acme/app#12',
      customers: 3,
      revenueAtStake: { EUR: 1000 },
    };
    const commented: IssueEvent = {
      type: 'TrackerCommented',
      data: {
        issueId,
        linkId: 'github:acme/app#12',
        customers: 3,
        revenueAtStake: { EUR: 1000 },
        commentedAt: at,
      },
    };
    spec([identified, linked('ask')])
      .when(comment)
      .then([commented]);
    spec([identified, linked('ask'), commented])
      .when(comment)
      .thenRefuses(issueRules.trackerAlreadyCommented, 'conflict');
  });
});
