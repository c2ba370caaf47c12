import { seededRandom, type Random } from './random';

/** One command as POST /commands takes it. */
export interface DemoCommand {
  type: string;
  commandId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface DemoOptions {
  customers: number;
  seed: number;
  /** The history ends here; it spans the 90 days before. `heard demo` ends it now. */
  endsAt: Date;
}

export const DEMO_DEFAULTS: DemoOptions = {
  customers: 2000,
  seed: 42,
  endsAt: new Date('2026-09-01T00:00:00Z'),
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
export const DEMO_DEFECT_ISSUE = 'issue-aquabottle-lid';
export const DEMO_IVR_CHANGE = 'change-ivr-menu';
const AGENTS = Array.from({ length: 40 }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
const MANAGERS = ['mgr-olsen', 'mgr-ruiz', 'mgr-khan'];
const CARRIERS = ['SkyCargo', 'FastCarrier', 'ParcelNow'];

/**
 * A realistic history, the same for the same seed: double-charged invoices, luggage lost
 * by a third-party carrier, a product defect that recurs and spikes in the last ten days,
 * handovers to managers, rejected resolutions, plain questions. Each case is a list of
 * commands in order, with business times spread over 90 days.
 */
export function* demoHistory(options: DemoOptions = DEMO_DEFAULTS): Generator<DemoCommand[]> {
  const random = seededRandom(options.seed);
  const end = options.endsAt.getTime();
  const start = end - 90 * DAY;
  const iso = (t: number) => new Date(t).toISOString();
  const key = (...parts: Array<string | number>) => `demo-${options.seed}-${parts.join('-')}`;

  // What the product and CX teams did: the recurring issue, acknowledged; an IVR change.
  yield [
    {
      type: 'IdentifyIssue',
      commandId: key('issue'),
      occurredAt: iso(start + 20 * DAY),
      data: {
        issueId: DEMO_DEFECT_ISSUE,
        title: 'AquaBottle 2 lid leaks after a few weeks',
        product: 'AquaBottle 2',
        category: 'defect',
        description: 'The lid seal deforms; customers report leaks in bags',
      },
    },
    {
      type: 'AcknowledgeIssue',
      commandId: key('issue-ack'),
      occurredAt: iso(start + 22 * DAY),
      data: { issueId: DEMO_DEFECT_ISSUE, team: 'bottles', owner: 'pm-lindqvist' },
    },
    {
      type: 'AnnounceChange',
      commandId: key('change-ivr'),
      occurredAt: iso(start + 44 * DAY),
      data: {
        changeId: DEMO_IVR_CHANGE,
        kind: 'ivr',
        description: 'New IVR menu: billing questions routed to self-service first',
        effectiveAt: iso(start + 45 * DAY),
      },
    },
  ];

  let caseNumber = 0;
  for (let c = 1; c <= options.customers; c++) {
    const customerId = `cust-${String(c).padStart(6, '0')}`;
    const accountId = random.chance(0.3)
      ? `acct-${String(1 + (c % 400)).padStart(4, '0')}`
      : undefined;
    const cases = random.chance(0.6) ? 1 : random.chance(0.7) ? 2 : 3;
    for (let n = 0; n < cases; n++) {
      caseNumber += 1;
      yield caseStory(random, {
        caseId: `c${String(caseNumber).padStart(7, '0')}`,
        customerId,
        accountId,
        start,
        end,
        key,
      });
    }
  }

  // An incident announced to a slice of the customers.
  yield [
    {
      type: 'DeclareIncident',
      commandId: key('incident'),
      occurredAt: iso(end - 3 * DAY),
      data: {
        incidentId: 'incident-invoice-emails',
        title: 'Invoice emails delayed',
        product: 'invoices',
        message:
          'Your August invoice email is delayed; nothing is charged twice. We will send it within 48 hours.',
        affectedCustomerIds: Array.from(
          { length: Math.min(50, options.customers) },
          (_, i) => `cust-${String(i + 1).padStart(6, '0')}`,
        ),
      },
    },
  ];
}

interface CaseSeed {
  caseId: string;
  customerId: string;
  accountId?: string;
  start: number;
  end: number;
  key: (...parts: Array<string | number>) => string;
}

function caseStory(random: Random, seed: CaseSeed): DemoCommand[] {
  const { caseId, customerId, accountId } = seed;
  const scenario = random.next();
  // The defect recurs throughout and spikes in the last ten days.
  const isDefect = scenario < 0.22;
  const spike = isDefect && random.chance(0.45);
  let t = spike
    ? seed.end - random.int(1, 10 * 24) * HOUR
    : seed.start + random.next() * (seed.end - seed.start - 5 * DAY);
  const agent = random.pick(AGENTS);
  const commands: DemoCommand[] = [];
  const step = (type: string, data: Record<string, unknown>, minHours = 0.1, maxHours = 8) => {
    t += (minHours + random.next() * (maxHours - minHours)) * HOUR;
    commands.push({
      type,
      commandId: seed.key(caseId, commands.length),
      occurredAt: new Date(t).toISOString(),
      data: { caseId, ...data },
    });
  };
  const open = (data: Record<string, unknown>) => {
    commands.push({
      type: 'OpenCase',
      commandId: seed.key(caseId, 0),
      occurredAt: new Date(t).toISOString(),
      data: { caseId, customerId, ...(accountId ? { accountId } : {}), ...data },
    });
  };
  const contact = (channel: string, note: string, who = agent, direction = 'inbound') =>
    step('LogContact', { channel, direction, agentId: who, note });
  const resolveAndAnswer = (who: string, resolution: string, rejectChance: number) => {
    step('ResolveCase', { agentId: who, resolution }, 1, 48);
    if (random.chance(rejectChance)) {
      step('RejectResolution', { reason: 'It happened again; the problem is not solved' }, 24, 96);
      return false;
    }
    if (random.chance(0.75)) step('ConfirmResolution', { note: 'Thanks, that solved it' }, 2, 72);
    return true;
  };

  if (isDefect) {
    open({
      channel: random.pick(['phone', 'chat', 'email']),
      category: 'defect',
      product: 'AquaBottle 2',
      summary: 'Bottle lid leaks in my bag after three weeks',
      desiredOutcome: 'A bottle that does not leak',
    });
    contact('chat', 'Customer sent a photo: seal visibly deformed');
    step('RecordDiagnosis', {
      agentId: agent,
      symptoms: 'Lid leaks when the bottle lies flat',
      rootCause: 'Lid seal deforms',
      desiredOutcome: 'Replacement',
    });
    if (random.chance(0.6)) step('LinkCaseToIssue', { issueId: DEMO_DEFECT_ISSUE }, 0.1, 1);
    step('IssueApology', {
      agentId: agent,
      fault: 'ours',
      statement: 'I am sorry, this seal should not fail',
    });
    step('ProposeFix', {
      fixId: 'fix-1',
      agentId: agent,
      kind: 'replacement',
      description: 'Send a replacement lid',
    });
    step('ApplyFix', { fixId: 'fix-1', agentId: agent, note: 'Replacement lid shipped' }, 2, 24);
    if (!resolveAndAnswer(agent, 'Replacement lid sent', 0.3)) {
      contact('phone', 'New lid leaks too');
      step('ProposeFix', {
        fixId: 'fix-2',
        agentId: agent,
        kind: 'refund',
        description: 'Full refund of the bottle',
      });
      step('ApplyFix', { fixId: 'fix-2', agentId: agent });
      resolveAndAnswer(agent, 'Refunded in full', 0.05);
    }
  } else if (scenario < 0.45) {
    open({
      channel: random.pick(['phone', 'email', 'web']),
      category: 'billing',
      product: 'invoices',
      summary: 'Charged twice for my monthly invoice',
      desiredOutcome: 'Refund of the double charge',
    });
    // The agent calls back: outbound, not a repeat contact from the customer.
    contact(
      'phone',
      'Customer confirms two identical card charges on the same day',
      agent,
      'outbound',
    );
    step('IssueApology', {
      agentId: agent,
      fault: 'ours',
      statement: 'I am sorry we charged you twice',
    });
    step('RecordDiagnosis', {
      agentId: agent,
      symptoms: 'Two identical charges',
      rootCause: 'Payment retried after a gateway timeout',
      desiredOutcome: 'Refund',
    });
    step('ProposeFix', {
      fixId: 'refund',
      agentId: agent,
      kind: 'refund',
      description: 'Refund the second charge',
    });
    step(
      'ApplyFix',
      { fixId: 'refund', agentId: agent, note: 'Refund issued, 3 to 5 days to appear' },
      0.5,
      6,
    );
    if (resolveAndAnswer(agent, 'Second charge refunded', 0.08) && random.chance(0.5))
      step('CloseCase', { agentId: agent }, 72, 200);
  } else if (scenario < 0.62) {
    const carrier = random.pick(CARRIERS);
    open({
      channel: 'phone',
      category: 'delivery',
      product: 'luggage-service',
      summary: `Suitcase lost in transit by ${carrier}`,
      desiredOutcome: 'Get my suitcase back or be compensated',
    });
    contact('phone', `Tracking stops at the ${carrier} hub`);
    step('IssueApology', {
      agentId: agent,
      fault: 'third_party',
      thirdParty: carrier,
      statement: `I am sorry ${carrier} lost your suitcase; we will handle the claim for you`,
    });
    step('HandOverCase', {
      fromAgentId: agent,
      toTeam: 'claims',
      summary: `Suitcase lost by ${carrier}; tracking stops at their hub; customer wants it back or compensation`,
      reason: 'Claims handles carrier losses',
    });
    step(
      'ProposeFix',
      {
        fixId: 'credit',
        agentId: 'claims-desk',
        kind: 'credit',
        description: 'Compensation credit while the carrier searches',
      },
      4,
      48,
    );
    step('ApplyFix', { fixId: 'credit', agentId: 'claims-desk' });
    if (!resolveAndAnswer('claims-desk', 'Compensation credited; carrier claim filed', 0.35)) {
      contact('phone', 'Customer: the credit does not cover the contents', 'claims-desk');
      step('EscalateCase', {
        agentId: 'claims-desk',
        level: 'manager',
        reason: 'Customer disputes the compensation',
      });
      step('ProposeFix', {
        fixId: 'exception',
        agentId: random.pick(MANAGERS),
        kind: 'policy_exception',
        description: 'Compensate the declared contents in full',
      });
      step('ApplyFix', { fixId: 'exception', agentId: random.pick(MANAGERS) });
      resolveAndAnswer(random.pick(MANAGERS), 'Contents compensated in full', 0.05);
    }
  } else if (scenario < 0.72) {
    const manager = random.pick(MANAGERS);
    open({
      channel: 'phone',
      category: 'service',
      product: 'support-plan',
      summary: 'Third call about the same outage credit; customer is angry',
      desiredOutcome: 'Talk to a manager and get the credit',
    });
    contact('phone', 'Customer threatens to cancel the contract');
    step('EscalateCase', {
      agentId: agent,
      level: 'manager',
      reason: 'Repeat contact, cancellation threat',
      ...(accountId ? { notifySales: true } : {}),
    });
    step('HandOverCase', {
      fromAgentId: agent,
      toAgentId: manager,
      summary:
        'Third contact about the missing outage credit; customer threatens to cancel; wants the credit today',
    });
    step('IssueApology', {
      agentId: manager,
      fault: 'ours',
      statement: 'I am sorry you had to call three times',
    });
    step('ProposeFix', {
      fixId: 'goodwill',
      agentId: manager,
      kind: 'policy_exception',
      description: 'Outage credit plus one month free',
    });
    step('ApplyFix', { fixId: 'goodwill', agentId: manager });
    resolveAndAnswer(manager, 'Credit and free month applied', 0.1);
  } else {
    const ivrEra = t > seed.start + 45 * DAY;
    open({
      channel: ivrEra && random.chance(0.5) ? 'ivr' : random.pick(['phone', 'email', 'chat']),
      category: random.pick(['account', 'billing', 'how-to']),
      product: random.pick(['app', 'invoices', 'website']),
      summary: random.pick([
        'How do I change my address?',
        'Where can I download my invoice?',
        'Password reset email never arrives',
      ]),
    });
    contact('chat', 'Explained the steps', agent, 'outbound');
    if (random.chance(0.85)) {
      step('ResolveCase', { agentId: agent, resolution: 'Answered the question' }, 0.1, 1);
      if (random.chance(0.6)) step('ConfirmResolution', {}, 0.5, 24);
      if (random.chance(0.5)) step('CloseCase', { agentId: agent }, 24, 96);
    }
  }
  return commands;
}
