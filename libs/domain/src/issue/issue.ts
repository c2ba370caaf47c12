import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import {
  parseTrackerUrl,
  TRACKER_NAMES,
  TRACKER_URL_RULE,
  trackerIssueName,
  trackerRelease,
  type OnTrackerDone,
  type Tracker,
} from './tracker';

type Ev<T extends string, D> = { type: T; data: D };
type Cmd<T extends string, D> = { type: T; issueId: string; at: string } & D;

export type IssueIdentified = Ev<
  'IssueIdentified',
  {
    issueId: string;
    title: string;
    product: string;
    category: string;
    description?: string;
    identifiedAt: string;
  }
>;
export type IssueAcknowledged = Ev<
  'IssueAcknowledged',
  { issueId: string; team: string; owner: string; acknowledgedAt: string }
>;
export type FixShipped = Ev<
  'FixShipped',
  {
    issueId: string;
    release: string;
    description: string;
    creditCustomers: boolean;
    shippedAt: string;
    /** Shipped by heard when this linked tracker issue was closed as done (`onTrackerDone: ship`). */
    trackerLinkId?: string;
  }
>;
export type IssueClosed = Ev<'IssueClosed', { issueId: string; reason?: string; closedAt: string }>;
export type TrackerLinked = Ev<
  'TrackerLinked',
  {
    issueId: string;
    linkId: string;
    tracker: Tracker;
    ref: string;
    url: string;
    onTrackerDone: OnTrackerDone;
    linkedAt: string;
  }
>;
/** What the tracker said of its issue (a webhook): its state, and whether that means done. */
export type TrackerStateChanged = Ev<
  'TrackerStateChanged',
  {
    issueId: string;
    linkId: string;
    state: string;
    done: boolean;
    /** Its milestone, fix version or release, when the tracker names one. */
    release?: string;
    /** The tracker's id of the delivery that said so. */
    deliveryId?: string;
    changedAt: string;
  }
>;
/** heard commented on the tracker issue with who is waiting on it (once per link). */
export type TrackerCommented = Ev<
  'TrackerCommented',
  {
    issueId: string;
    linkId: string;
    customers: number;
    revenueAtStake: Record<string, number>;
    commentedAt: string;
  }
>;
export type IssueEvent =
  | IssueIdentified
  | IssueAcknowledged
  | FixShipped
  | IssueClosed
  | TrackerLinked
  | TrackerStateChanged
  | TrackerCommented;

export type IdentifyIssue = Cmd<
  'IdentifyIssue',
  { title: string; product: string; category: string; description?: string }
>;
export type AcknowledgeIssue = Cmd<'AcknowledgeIssue', { team: string; owner: string }>;
export type ShipFix = Cmd<
  'ShipFix',
  { release: string; description: string; creditCustomers?: boolean }
>;
export type CloseIssue = Cmd<'CloseIssue', { reason?: string }>;
export type LinkTracker = Cmd<'LinkTracker', { url: string; onTrackerDone?: OnTrackerDone }>;
/** From a tracker's webhook (no route): its issue's state as it says it now. */
export type RecordTrackerState = Cmd<
  'RecordTrackerState',
  { linkId: string; state: string; done: boolean; release?: string; deliveryId?: string }
>;
/** From heard's comment back (no route), once it has commented. */
export type RecordTrackerComment = Cmd<
  'RecordTrackerComment',
  { linkId: string; customers: number; revenueAtStake: Record<string, number> }
>;
/** Commands heard sends itself, from trackers' webhooks and its comment back: no route. */
export type TrackerFeedCommand = RecordTrackerState | RecordTrackerComment;

export type IssueCommand =
  | IdentifyIssue
  | AcknowledgeIssue
  | ShipFix
  | CloseIssue
  | LinkTracker
  | RecordTrackerState
  | RecordTrackerComment;

/** A tracker issue linked to the issue, as heard last heard of it. */
export interface TrackerLink {
  tracker: Tracker;
  ref: string;
  url: string;
  onTrackerDone: OnTrackerDone;
  state: string | null;
  done: boolean;
  release?: string;
  commented: boolean;
}

interface IssueState {
  status: 'none' | 'identified' | 'acknowledged' | 'fix_shipped' | 'closed';
  issueId: string;
  title: string;
  product: string;
  category: string;
  description?: string;
  identifiedAt?: string;
  owner?: { team: string; owner: string; acknowledgedAt: string };
  fixes: { release: string; description: string; shippedAt: string }[];
  closedAt?: string;
  links: Record<string, TrackerLink>;
}

export const issueRules = {
  alreadyExists: 'issue.already_exists',
  notFound: 'issue.not_found',
  closed: 'issue.closed',
  alreadyAcknowledged: 'issue.already_acknowledged_by_owner',
  notAcknowledged: 'issue.not_acknowledged',
  trackerUrl: 'issue.tracker_url',
  trackerAlreadyLinked: 'issue.tracker_already_linked',
  trackerNotLinked: 'issue.tracker_not_linked',
  trackerStateUnchanged: 'issue.tracker_state_unchanged',
  trackerAlreadyCommented: 'issue.tracker_already_commented',
} as const;

/** The release a fix shipped from a tracker names: its milestone, else the tracker issue. */
const initialState = (): IssueState => ({
  status: 'none',
  issueId: '',
  title: '',
  product: '',
  category: '',
  fixes: [],
  links: {},
});

const decide = (command: IssueCommand, state: IssueState): IssueEvent[] => {
  const { issueId, at } = command;
  if (command.type !== 'IdentifyIssue') {
    if (state.status === 'none')
      refuse(issueRules.notFound, 'not_found', `Issue ${issueId} does not exist`);
    if (state.status === 'closed')
      refuse(issueRules.closed, 'conflict', `Issue ${issueId} is closed`);
  }
  switch (command.type) {
    case 'IdentifyIssue':
      if (state.status !== 'none')
        refuse(issueRules.alreadyExists, 'conflict', `Issue ${issueId} already exists`);
      return [
        {
          type: 'IssueIdentified',
          data: {
            issueId,
            title: command.title,
            product: command.product,
            category: command.category,
            description: command.description,
            identifiedAt: at,
          },
        },
      ];
    case 'AcknowledgeIssue':
      if (state.owner?.team === command.team && state.owner.owner === command.owner)
        refuse(
          issueRules.alreadyAcknowledged,
          'conflict',
          `Issue ${issueId} is already acknowledged by ${command.owner} (${command.team})`,
        );
      return [
        {
          type: 'IssueAcknowledged',
          data: { issueId, team: command.team, owner: command.owner, acknowledgedAt: at },
        },
      ];
    case 'ShipFix':
      // A fix is owned: a product team acknowledges the issue before announcing its fix.
      if (!state.owner)
        refuse(
          issueRules.notAcknowledged,
          'invalid',
          `Issue ${issueId} has no owner yet; a product team acknowledges it before shipping a fix`,
        );
      return [
        {
          type: 'FixShipped',
          data: {
            issueId,
            release: command.release,
            description: command.description,
            creditCustomers: command.creditCustomers ?? true,
            shippedAt: at,
          },
        },
      ];
    case 'CloseIssue':
      return [{ type: 'IssueClosed', data: { issueId, reason: command.reason, closedAt: at } }];
    case 'LinkTracker': {
      const parsed = parseTrackerUrl(command.url);
      if (!parsed) return refuse(issueRules.trackerUrl, 'invalid', TRACKER_URL_RULE);
      if (state.links[parsed.linkId])
        refuse(
          issueRules.trackerAlreadyLinked,
          'conflict',
          `Issue ${issueId} is already linked to ${trackerIssueName(parsed.tracker, parsed.ref)}`,
        );
      return [
        {
          type: 'TrackerLinked',
          data: {
            issueId,
            linkId: parsed.linkId,
            tracker: parsed.tracker,
            ref: parsed.ref,
            url: parsed.url,
            onTrackerDone: command.onTrackerDone ?? 'ask',
            linkedAt: at,
          },
        },
      ];
    }
    case 'RecordTrackerState': {
      const link = linkOf(state, command.linkId);
      if (link.state === command.state && link.done === command.done)
        refuse(
          issueRules.trackerStateUnchanged,
          'conflict',
          `${trackerIssueName(link.tracker, link.ref)} is already ${command.state}`,
        );
      const changed: IssueEvent = {
        type: 'TrackerStateChanged',
        data: {
          issueId,
          linkId: command.linkId,
          state: command.state,
          done: command.done,
          release: command.release,
          deliveryId: command.deliveryId,
          changedAt: at,
        },
      };
      // Closed as done now: heard ships the fix itself when the link says so and a team owns
      // the issue; otherwise the fix waits for one click (the recurring-issues read model's
      // `awaiting`, which the screens read).
      if (!command.done || link.done || link.onTrackerDone !== 'ship' || !state.owner)
        return [changed];
      return [
        changed,
        {
          type: 'FixShipped',
          data: {
            issueId,
            release: trackerRelease(link.tracker, link.ref, command.release),
            description: `Closed as done in ${TRACKER_NAMES[link.tracker]}: ${link.url}`,
            creditCustomers: true,
            shippedAt: at,
            trackerLinkId: command.linkId,
          },
        },
      ];
    }
    case 'RecordTrackerComment': {
      const link = linkOf(state, command.linkId);
      if (link.commented)
        refuse(
          issueRules.trackerAlreadyCommented,
          'conflict',
          `heard has commented on ${trackerIssueName(link.tracker, link.ref)} already`,
        );
      return [
        {
          type: 'TrackerCommented',
          data: {
            issueId,
            linkId: command.linkId,
            customers: command.customers,
            revenueAtStake: command.revenueAtStake,
            commentedAt: at,
          },
        },
      ];
    }
    default:
      return assertNever(command);
  }
};

const linkOf = (state: IssueState, linkId: string): TrackerLink => {
  const link = state.links[linkId];
  if (!link)
    return refuse(
      issueRules.trackerNotLinked,
      'not_found',
      `Issue ${state.issueId} is not linked to ${linkId}`,
    );
  return link;
};

const evolve = (state: IssueState, event: IssueEvent): IssueState => {
  switch (event.type) {
    case 'IssueIdentified': {
      const d = event.data;
      return {
        ...state,
        status: 'identified',
        issueId: d.issueId,
        title: d.title,
        product: d.product,
        category: d.category,
        description: d.description,
        identifiedAt: d.identifiedAt,
      };
    }
    case 'IssueAcknowledged': {
      const d = event.data;
      return {
        ...state,
        status: state.status === 'fix_shipped' ? state.status : 'acknowledged',
        owner: { team: d.team, owner: d.owner, acknowledgedAt: d.acknowledgedAt },
      };
    }
    case 'FixShipped': {
      const d = event.data;
      return {
        ...state,
        status: 'fix_shipped',
        fixes: [
          ...state.fixes,
          { release: d.release, description: d.description, shippedAt: d.shippedAt },
        ],
      };
    }
    case 'IssueClosed':
      return { ...state, status: 'closed', closedAt: event.data.closedAt };
    case 'TrackerLinked': {
      const d = event.data;
      return {
        ...state,
        links: {
          ...state.links,
          [d.linkId]: {
            tracker: d.tracker,
            ref: d.ref,
            url: d.url,
            onTrackerDone: d.onTrackerDone,
            state: null,
            done: false,
            commented: false,
          },
        },
      };
    }
    case 'TrackerStateChanged': {
      const d = event.data;
      const link = state.links[d.linkId]!;
      return {
        ...state,
        links: {
          ...state.links,
          [d.linkId]: { ...link, state: d.state, done: d.done, release: d.release },
        },
      };
    }
    case 'TrackerCommented': {
      const link = state.links[event.data.linkId]!;
      return {
        ...state,
        links: { ...state.links, [event.data.linkId]: { ...link, commented: true } },
      };
    }
    default:
      return assertNever(event);
  }
};

export const issueDecider: Decider<IssueCommand, IssueEvent, IssueState> = {
  initialState,
  evolve,
  decide,
};
