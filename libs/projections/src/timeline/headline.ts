import { assertNever, type CaseEvent } from '@heard/domain';

/** One line an agent reads on the timeline, in plain words. */
export const headlineOf = (event: CaseEvent): string => {
  switch (event.type) {
    case 'CaseOpened': {
      const d = event.data;
      return `Case opened via ${d.channel} (${d.category}${d.product ? `, ${d.product}` : ''}): ${d.summary}`;
    }
    case 'ContactLogged': {
      const d = event.data;
      return `${d.direction === 'inbound' ? 'Customer contacted us' : 'We contacted the customer'} by ${d.channel} (${d.agentId}): ${d.note}`;
    }
    case 'ApologyIssued': {
      const d = event.data;
      const fault =
        d.fault === 'third_party' ? `third party: ${d.thirdParty ?? 'unnamed'}` : d.fault;
      return `Apology by ${d.agentId} (fault: ${fault}): ${d.statement}`;
    }
    case 'CaseHandedOver': {
      const d = event.data;
      return `Handed over by ${d.fromAgentId} to ${d.toAgentId ?? `team ${d.toTeam}`}: ${d.summary}`;
    }
    case 'DiagnosisRecorded': {
      const d = event.data;
      return `Diagnosis by ${d.agentId}: ${d.symptoms}${d.rootCause ? `; root cause: ${d.rootCause}` : ''}; wants: ${d.desiredOutcome}`;
    }
    case 'FixProposed':
      return `Fix proposed (${event.data.kind}) by ${event.data.agentId}: ${event.data.description}`;
    case 'FixApplied':
      return `Fix ${event.data.fixId} applied by ${event.data.agentId}${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'CaseLinkedToIssue':
      return `Linked to recurring issue ${event.data.issueId}`;
    case 'CaseEscalated':
      return `Escalated to ${event.data.level} by ${event.data.agentId}: ${event.data.reason}${event.data.notifySales ? ' (sales notified)' : ''}`;
    case 'CaseResolved':
      return `Resolved by ${event.data.agentId}: ${event.data.resolution}`;
    case 'ResolutionConfirmed':
      return `Customer confirmed the resolution${event.data.note ? `: ${event.data.note}` : ''}`;
    case 'ResolutionRejected':
      return `Customer rejected the resolution: ${event.data.reason}`;
    case 'CaseReopened':
      return `Case reopened: ${event.data.reason}`;
    case 'FollowUpScheduled':
      return `Follow-up scheduled for ${event.data.dueAt}`;
    case 'FollowUpCompleted': {
      const d = event.data;
      return `Follow-up answered: ${d.outcome.replace('_', ' ')}${d.csat ? `, satisfaction ${d.csat}/5` : ''}${d.note ? ` (${d.note})` : ''}`;
    }
    case 'CaseNoted':
      return `Note by ${event.data.agentId}: ${event.data.note}`;
    case 'CaseClosed':
      return `Case closed by ${event.data.agentId}${event.data.reason ? `: ${event.data.reason}` : ''}`;
    default:
      return assertNever(event);
  }
};
