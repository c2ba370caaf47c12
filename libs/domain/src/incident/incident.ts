import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';

export type IncidentDeclared = {
  type: 'IncidentDeclared';
  data: {
    incidentId: string;
    title: string;
    product?: string;
    message: string;
    affectedCustomerIds: string[];
    declaredAt: string;
  };
};
export type IncidentResolved = {
  type: 'IncidentResolved';
  data: { incidentId: string; note?: string; resolvedAt: string };
};
export type IncidentEvent = IncidentDeclared | IncidentResolved;

export type DeclareIncident = {
  type: 'DeclareIncident';
  incidentId: string;
  at: string;
  title: string;
  product?: string;
  message: string;
  affectedCustomerIds: string[];
};
export type ResolveIncident = {
  type: 'ResolveIncident';
  incidentId: string;
  at: string;
  note?: string;
};
export type IncidentCommand = DeclareIncident | ResolveIncident;

interface IncidentState {
  status: 'none' | 'declared' | 'resolved';
  incident?: IncidentDeclared['data'];
  resolvedAt?: string;
}

export const incidentRules = {
  alreadyDeclared: 'incident.already_declared',
  notFound: 'incident.not_found',
  noAffectedCustomers: 'incident.no_affected_customers',
  alreadyResolved: 'incident.already_resolved',
} as const;

export const incidentDecider: Decider<IncidentCommand, IncidentEvent, IncidentState> = {
  initialState: () => ({ status: 'none' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'IncidentDeclared':
        return { status: 'declared', incident: event.data };
      case 'IncidentResolved':
        return { ...state, status: 'resolved', resolvedAt: event.data.resolvedAt };
      default:
        return assertNever(event);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'DeclareIncident': {
        if (state.status !== 'none')
          refuse(
            incidentRules.alreadyDeclared,
            'conflict',
            `Incident ${command.incidentId} was already declared`,
          );
        const affected = [
          ...new Set(command.affectedCustomerIds.map((id) => id.trim()).filter(Boolean)),
        ];
        if (affected.length === 0)
          refuse(
            incidentRules.noAffectedCustomers,
            'invalid',
            'An incident names at least one affected customer, so that outreach has someone to reach',
          );
        return [
          {
            type: 'IncidentDeclared',
            data: {
              incidentId: command.incidentId,
              title: command.title,
              product: command.product,
              message: command.message,
              affectedCustomerIds: affected,
              declaredAt: command.at,
            },
          },
        ];
      }
      case 'ResolveIncident':
        if (state.status === 'none')
          refuse(
            incidentRules.notFound,
            'not_found',
            `Incident ${command.incidentId} does not exist`,
          );
        if (state.status === 'resolved')
          refuse(
            incidentRules.alreadyResolved,
            'conflict',
            `Incident ${command.incidentId} is already resolved`,
          );
        return [
          {
            type: 'IncidentResolved',
            data: { incidentId: command.incidentId, note: command.note, resolvedAt: command.at },
          },
        ];
      default:
        return assertNever(command);
    }
  },
};
