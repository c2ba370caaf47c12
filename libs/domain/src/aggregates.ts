import { caseDecider } from './case/case.decider';
import type { CaseCommand } from './case/case.commands';
import type { CaseEvent } from './case/case.events';
import { changeDecider, type ChangeCommand, type ChangeEvent } from './change/change';
import { incidentDecider, type IncidentCommand, type IncidentEvent } from './incident/incident';
import { issueDecider, type IssueCommand, type IssueEvent } from './issue/issue';
import { kpiDefinitionDecider, type KpiCommand, type KpiEvent } from './kpi/kpi-definition';
import type { Decider } from './shared/decider';
import { accountDecider, type AccountCommand, type AccountEvent } from './account/account';
import { slaPolicyDecider, type SlaPolicyCommand, type SlaPolicyEvent } from './sla/sla-policy';
import { streamIds } from './shared/vocabulary';

export type DomainCommand =
  | CaseCommand
  | IssueCommand
  | ChangeCommand
  | IncidentCommand
  | KpiCommand
  | SlaPolicyCommand
  | AccountCommand;
export type DomainEvent =
  CaseEvent | IssueEvent | ChangeEvent | IncidentEvent | KpiEvent | SlaPolicyEvent | AccountEvent;
type AggregateName = 'case' | 'issue' | 'change' | 'incident' | 'kpi' | 'slaPolicy' | 'account';

/** Which aggregate, and so which stream, a command addresses. */
export const targetOf = (
  command: DomainCommand,
): { aggregate: AggregateName; id: string; streamId: string } => {
  if ('caseId' in command)
    return { aggregate: 'case', id: command.caseId, streamId: streamIds.case(command.caseId) };
  if ('issueId' in command)
    return { aggregate: 'issue', id: command.issueId, streamId: streamIds.issue(command.issueId) };
  if ('changeId' in command)
    return {
      aggregate: 'change',
      id: command.changeId,
      streamId: streamIds.change(command.changeId),
    };
  if ('policyId' in command)
    return {
      aggregate: 'slaPolicy',
      id: command.policyId,
      streamId: streamIds.slaPolicy(command.policyId),
    };
  // After the case: a case's commands name its account too.
  if (command.type === 'DefineAccount')
    return {
      aggregate: 'account',
      id: command.accountId,
      streamId: streamIds.account(command.accountId),
    };
  if ('kpi' in command)
    return { aggregate: 'kpi', id: command.kpi, streamId: streamIds.kpi(command.kpi) };
  return {
    aggregate: 'incident',
    id: command.incidentId,
    streamId: streamIds.incident(command.incidentId),
  };
};

// The deciders are typed per aggregate; the registry erases that for the generic command path.
export const deciders: Record<AggregateName, Decider<DomainCommand, DomainEvent, unknown>> = {
  case: caseDecider,
  issue: issueDecider,
  change: changeDecider,
  incident: incidentDecider,
  kpi: kpiDefinitionDecider,
  slaPolicy: slaPolicyDecider,
  account: accountDecider,
};
