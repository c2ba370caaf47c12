import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';

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
  }
>;
export type IssueClosed = Ev<'IssueClosed', { issueId: string; reason?: string; closedAt: string }>;
export type IssueEvent = IssueIdentified | IssueAcknowledged | FixShipped | IssueClosed;

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
export type IssueCommand = IdentifyIssue | AcknowledgeIssue | ShipFix | CloseIssue;

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
}

export const issueRules = {
  alreadyExists: 'issue.already_exists',
  notFound: 'issue.not_found',
  closed: 'issue.closed',
  alreadyAcknowledged: 'issue.already_acknowledged_by_owner',
  notAcknowledged: 'issue.not_acknowledged',
} as const;

const initialState = (): IssueState => ({
  status: 'none',
  issueId: '',
  title: '',
  product: '',
  category: '',
  fixes: [],
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
    default:
      return assertNever(command);
  }
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
    default:
      return assertNever(event);
  }
};

export const issueDecider: Decider<IssueCommand, IssueEvent, IssueState> = {
  initialState,
  evolve,
  decide,
};
