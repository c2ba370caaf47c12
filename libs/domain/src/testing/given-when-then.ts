import { DomainRuleViolation, type RuleKind } from '../shared/domain-error';
import { fold, type Decider } from '../shared/decider';

/** Given events, when a command, then events or the rule that refused it. */
export const specFor =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (given: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, given));
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenRefuses: (rule: string, kind?: RuleKind) => {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainRuleViolation);
          expect((error as DomainRuleViolation).rule).toBe(rule);
          if (kind) expect((error as DomainRuleViolation).kind).toBe(kind);
        },
      };
    },
  });
