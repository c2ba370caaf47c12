/**
 * How a broken rule should be answered: `conflict` when the command clashes with the
 * current state (409), `invalid` when the command itself can never be accepted (422),
 * `not_found` when its target does not exist (404).
 */
export type RuleKind = 'conflict' | 'invalid' | 'not_found';

/** A command that a rule of the domain refused. `rule` is stable and machine-readable. */
export class DomainRuleViolation extends Error {
  override readonly name = 'DomainRuleViolation';
  constructor(
    readonly rule: string,
    readonly kind: RuleKind,
    message: string,
  ) {
    super(message);
  }
}

export const refuse = (rule: string, kind: RuleKind, message: string): never => {
  throw new DomainRuleViolation(rule, kind, message);
};
