import { specFor } from '../testing/given-when-then';
import { issueDecider, issueRules, type IssueEvent } from './issue';
import { changeDecider, changeRules } from '../change/change';
import { incidentDecider, incidentRules } from '../incident/incident';

const at = '2026-03-01T10:00:00.000Z';
const issueId = 'i1';
const identified: IssueEvent = {
  type: 'IssueIdentified',
  data: {
    issueId,
    title: 'Zip breaks',
    product: 'backpack',
    category: 'defect',
    description: undefined,
    identifiedAt: at,
  },
};
const acknowledged: IssueEvent = {
  type: 'IssueAcknowledged',
  data: { issueId, team: 'bags', owner: 'pm-1', acknowledgedAt: at },
};

describe('Issue decider', () => {
  const spec = specFor(issueDecider);
  it('identifies an issue', () =>
    spec([])
      .when({
        type: 'IdentifyIssue',
        issueId,
        at,
        title: 'Zip breaks',
        product: 'backpack',
        category: 'defect',
      })
      .then([identified]));
  it('refuses to identify an issue twice', () =>
    spec([identified])
      .when({ type: 'IdentifyIssue', issueId, at, title: 'x', product: 'y', category: 'z' })
      .thenRefuses(issueRules.alreadyExists, 'conflict'));
  it('is acknowledged by a product team', () =>
    spec([identified])
      .when({ type: 'AcknowledgeIssue', issueId, at, team: 'bags', owner: 'pm-1' })
      .then([acknowledged]));
  it('refuses the same acknowledgement twice, accepts a new owner', () => {
    spec([identified, acknowledged])
      .when({ type: 'AcknowledgeIssue', issueId, at, team: 'bags', owner: 'pm-1' })
      .thenRefuses(issueRules.alreadyAcknowledged, 'conflict');
    expect(
      issueDecider.decide(
        { type: 'AcknowledgeIssue', issueId, at, team: 'bags', owner: 'pm-2' },
        issueDecider.evolve(
          issueDecider.evolve(issueDecider.initialState(), identified),
          acknowledged,
        ),
      ),
    ).toHaveLength(1);
  });
  it('ships a fix once acknowledged, crediting customers by default', () =>
    spec([identified, acknowledged])
      .when({ type: 'ShipFix', issueId, at, release: '2.4.1', description: 'Stronger zip' })
      .then([
        {
          type: 'FixShipped',
          data: {
            issueId,
            release: '2.4.1',
            description: 'Stronger zip',
            creditCustomers: true,
            shippedAt: at,
          },
        },
      ]));
  it('refuses to ship a fix for an issue nobody owns', () =>
    spec([identified])
      .when({ type: 'ShipFix', issueId, at, release: '1', description: 'x' })
      .thenRefuses(issueRules.notAcknowledged, 'invalid'));
  it('refuses commands on an unknown issue', () =>
    spec([])
      .when({ type: 'AcknowledgeIssue', issueId, at, team: 't', owner: 'o' })
      .thenRefuses(issueRules.notFound, 'not_found'));
  it('closes an issue, after which it takes nothing', () => {
    spec([identified])
      .when({ type: 'CloseIssue', issueId, at })
      .then([{ type: 'IssueClosed', data: { issueId, reason: undefined, closedAt: at } }]);
    spec([identified, { type: 'IssueClosed', data: { issueId, closedAt: at } }])
      .when({ type: 'AcknowledgeIssue', issueId, at, team: 't', owner: 'o' })
      .thenRefuses(issueRules.closed, 'conflict');
  });
});

describe('Change decider', () => {
  const spec = specFor(changeDecider);
  const announce = {
    type: 'AnnounceChange' as const,
    changeId: 'ch1',
    at,
    kind: 'ivr' as const,
    description: 'New IVR menu',
    effectiveAt: at,
  };
  it('announces a change', () =>
    spec([])
      .when(announce)
      .then([
        {
          type: 'ChangeAnnounced',
          data: {
            changeId: 'ch1',
            kind: 'ivr',
            description: 'New IVR menu',
            product: undefined,
            effectiveAt: at,
            announcedAt: at,
          },
        },
      ]));
  it('refuses to announce it twice', () =>
    spec(changeDecider.decide(announce, changeDecider.initialState()))
      .when(announce)
      .thenRefuses(changeRules.alreadyAnnounced, 'conflict'));
});

describe('Incident decider', () => {
  const spec = specFor(incidentDecider);
  const declare = {
    type: 'DeclareIncident' as const,
    incidentId: 'inc1',
    at,
    title: 'Outage',
    message: 'We know, we are on it',
    affectedCustomerIds: ['a', 'b', 'a', ' '],
  };
  it('declares an incident for each affected customer once', () =>
    spec([])
      .when(declare)
      .then([
        {
          type: 'IncidentDeclared',
          data: {
            incidentId: 'inc1',
            title: 'Outage',
            product: undefined,
            message: 'We know, we are on it',
            affectedCustomerIds: ['a', 'b'],
            declaredAt: at,
          },
        },
      ]));
  it('refuses an incident with no affected customer', () =>
    spec([])
      .when({ ...declare, affectedCustomerIds: [' '] })
      .thenRefuses(incidentRules.noAffectedCustomers, 'invalid'));
  it('refuses to declare twice', () =>
    spec(incidentDecider.decide(declare, incidentDecider.initialState()))
      .when(declare)
      .thenRefuses(incidentRules.alreadyDeclared));
  it('resolves a declared incident once', () => {
    const declared = incidentDecider.decide(declare, incidentDecider.initialState());
    spec(declared)
      .when({ type: 'ResolveIncident', incidentId: 'inc1', at })
      .then([
        { type: 'IncidentResolved', data: { incidentId: 'inc1', note: undefined, resolvedAt: at } },
      ]);
    spec([...declared, { type: 'IncidentResolved', data: { incidentId: 'inc1', resolvedAt: at } }])
      .when({ type: 'ResolveIncident', incidentId: 'inc1', at })
      .thenRefuses(incidentRules.alreadyResolved, 'conflict');
    spec([])
      .when({ type: 'ResolveIncident', incidentId: 'x', at })
      .thenRefuses(incidentRules.notFound, 'not_found');
  });
});
