import { assertNever, type CaseEvent, type SlaTarget } from '@heard/domain';

const TARGET_WORDS: Record<SlaTarget, string> = {
  firstResponse: 'first response',
  nextResponse: 'next response',
  resolution: 'resolution',
};
const targetList = (targets: Partial<Record<SlaTarget, { duration: string }>>) =>
  Object.entries(targets)
    .map(([name, t]) => `${TARGET_WORDS[name as SlaTarget]} ${t.duration}`)
    .join(', ');

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
    case 'SlaPolicyApplied':
      return `Held to SLA policy ${event.data.name} (${event.data.policyId} v${event.data.version}): ${targetList(event.data.targets)}`;
    case 'SlaWarningReached':
      return `SLA warning: ${TARGET_WORDS[event.data.target]} due at ${event.data.dueAt}`;
    case 'SlaTargetMet':
      return `SLA met: ${TARGET_WORDS[event.data.target]} (due ${event.data.dueAt})`;
    case 'SlaTargetBreached':
      return `SLA breached: ${TARGET_WORDS[event.data.target]} was due at ${event.data.dueAt}`;
    case 'WaitingStarted':
      return `Waiting on the ${event.data.on.replace('_', ' ')} (${event.data.agentId}): ${event.data.reason}; SLA clocks paused`;
    case 'WaitingEnded':
      return `No longer waiting (${event.data.by === 'inbound_contact' ? 'the customer got back to us' : `ended by ${event.data.agentId ?? 'an agent'}`}); SLA clocks running`;
    case 'PromiseMade':
      return `Promise by ${event.data.agentId}, due ${event.data.dueAt}: ${event.data.promise}`;
    case 'PromiseKept':
      return `Promise ${event.data.promiseId} kept (${event.data.by.replace('_', ' ')})`;
    case 'PromiseBroken':
      return `Promise ${event.data.promiseId} by ${event.data.agentId} broken: it was due at ${event.data.dueAt}`;
    default:
      return assertNever(event);
  }
};
