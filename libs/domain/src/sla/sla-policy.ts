import { assertNever, type Decider } from '../shared/decider';
import { refuse } from '../shared/domain-error';
import {
  CHANNELS,
  ESCALATION_LEVELS,
  type Channel,
  type EscalationLevel,
} from '../shared/vocabulary';
import { calendarProblems, durationMs, type FieldProblem, type SlaCalendar } from './calendar';

/** The clocks a policy can set: each an ISO 8601 duration of business time. */
export const SLA_TARGETS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** Which cases a policy holds: every list given must contain the case's value. */
export interface SlaMatch {
  channels?: Channel[];
  categories?: string[];
  products?: string[];
  accountTiers?: string[];
}

/** One level of escalation: how long after the breach, and whether the account's sales team is told. */
export interface SlaEscalationStep {
  level: EscalationLevel;
  /** ISO 8601 duration after the breach (wall-clock time); PT0S escalates at the breach. */
  after: string;
  notifySales: boolean;
}

/** What a version of a policy says. */
export interface SlaPolicyTerms {
  name: string;
  /** Lower first: the first policy by priority that matches a case holds it. */
  priority: number;
  match: SlaMatch;
  calendar: SlaCalendar;
  targets: Partial<Record<SlaTarget, string>>;
  /** Share of a target at which a warning is recorded (0 < warnAt < 1). */
  warnAt: number;
  escalation: SlaEscalationStep[];
}

export const DEFAULT_WARN_AT = 0.8;

export type SlaPolicyDefined = {
  type: 'SlaPolicyDefined';
  data: SlaPolicyTerms & { policyId: string; version: number; definedAt: string };
};
export type SlaPolicyEvent = SlaPolicyDefined;

export type DefineSlaPolicy = {
  type: 'DefineSlaPolicy';
  policyId: string;
  at: string;
  terms: SlaPolicyTerms;
};
export type SlaPolicyCommand = DefineSlaPolicy;

export const slaPolicyRules = { invalid: 'sla_policy.invalid' } as const;

/** What is wrong with a policy, field by field (empty when it can be defined). */
export const slaPolicyProblems = (terms: SlaPolicyTerms): FieldProblem[] => {
  const problems: FieldProblem[] = [...calendarProblems(terms.calendar)];
  const given = Object.entries(terms.targets ?? {}).filter(([, v]) => v !== undefined);
  if (given.length === 0)
    problems.push({
      field: 'targets',
      rule: 'isNotEmpty',
      message: `targets must set at least one of ${SLA_TARGETS.join(', ')}`,
    });
  for (const [name, value] of given) {
    const ms = durationMs(value);
    if (ms === undefined || ms <= 0)
      problems.push({
        field: `targets.${name}`,
        rule: 'isPositiveDuration',
        message: `targets.${name} must be a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (PT1M, PT4H, P2D); ${JSON.stringify(value)} is not`,
      });
  }
  if (!(terms.warnAt > 0 && terms.warnAt < 1))
    problems.push({
      field: 'warnAt',
      rule: 'isShare',
      message: 'warnAt must be a share of the target above 0 and below 1 (0.8 warns at 80%)',
    });
  let previous = -1;
  terms.escalation.forEach((step, i) => {
    const field = `escalation.${i}`;
    const ms = durationMs(step.after);
    if (ms === undefined || ms < 0)
      problems.push({
        field: `${field}.after`,
        rule: 'isDuration',
        message: `${field}.after must be an ISO 8601 duration (PT0S escalates at the breach); ${JSON.stringify(step.after)} is not`,
      });
    const index = ESCALATION_LEVELS.indexOf(step.level);
    if (index <= previous)
      problems.push({
        field: `${field}.level`,
        rule: 'isAscending',
        message: `escalation levels must rise in the order ${ESCALATION_LEVELS.join(', ')}, each once`,
      });
    previous = Math.max(previous, index);
  });
  for (const channel of terms.match.channels ?? [])
    if (!(CHANNELS as readonly string[]).includes(channel))
      problems.push({
        field: 'match.channels',
        rule: 'isIn',
        message: `match.channels: ${channel} is not a channel; the channels: ${CHANNELS.join(', ')}`,
      });
  return problems;
};

/** The facts of a case a policy matches on. */
export interface SlaCaseFacts {
  channel: Channel;
  category: string;
  product?: string;
  accountTier?: string;
}

const admits = (list: readonly string[] | undefined, value: string | undefined) =>
  !list?.length || (value !== undefined && list.includes(value));

export const policyMatches = (match: SlaMatch, facts: SlaCaseFacts): boolean =>
  admits(match.channels, facts.channel) &&
  admits(match.categories, facts.category) &&
  admits(match.products, facts.product) &&
  admits(match.accountTiers, facts.accountTier);

/** A policy's latest version, as the catalog holds it. */
export type SlaPolicyVersion = SlaPolicyDefined['data'];

/** The policy that holds a new case: the first by priority (then id) whose match admits it. */
export const choosePolicy = (
  policies: readonly SlaPolicyVersion[],
  facts: SlaCaseFacts,
): SlaPolicyVersion | undefined =>
  policies
    .filter((p) => policyMatches(p.match, facts))
    .sort((a, b) => a.priority - b.priority || a.policyId.localeCompare(b.policyId))[0];

/** Each PUT is a new version; cases keep the version they opened under. */
export const slaPolicyDecider: Decider<SlaPolicyCommand, SlaPolicyEvent, { version: number }> = {
  initialState: () => ({ version: 0 }),
  evolve: (_state, event) => {
    switch (event.type) {
      case 'SlaPolicyDefined':
        return { version: event.data.version };
      default:
        return assertNever(event.type);
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'DefineSlaPolicy': {
        const problems = slaPolicyProblems(command.terms);
        if (problems.length)
          refuse(slaPolicyRules.invalid, 'invalid', problems.map((p) => p.message).join('; '));
        return [
          {
            type: 'SlaPolicyDefined',
            data: {
              policyId: command.policyId,
              version: state.version + 1,
              ...command.terms,
              definedAt: command.at,
            },
          },
        ];
      }
      default:
        return assertNever(command.type);
    }
  },
};
