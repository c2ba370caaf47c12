import type { SchedulerCommand } from '../case/case.commands';
import type { CaseState } from '../case/case.state';
import type { EscalationLevel } from '../shared/vocabulary';
import { nextEscalation } from './clocks';
import type { SlaTarget } from './sla-policy';

/** A time at which heard's scheduler has something to record on a case, unless it changes first. */
export type Deadline =
  | { kind: 'warning' | 'breach'; target: SlaTarget; cycle: number; dueAt: string }
  | { kind: 'escalation'; target: SlaTarget; cycle: number; level: EscalationLevel; dueAt: string }
  | { kind: 'promise'; promiseId: string; dueAt: string };

/** Everything due on a case as it stands: its running clocks, breached clocks to escalate, open promises. */
export const deadlinesOf = (state: CaseState): Deadline[] => {
  const out: Deadline[] = [];
  for (const clock of Object.values(state.sla?.targets ?? {})) {
    const { target, cycle } = clock;
    if (clock.status === 'running' && clock.dueAt) {
      if (clock.warnAt && !clock.warned && clock.warnAt < clock.dueAt)
        out.push({ kind: 'warning', target, cycle, dueAt: clock.warnAt });
      out.push({ kind: 'breach', target, cycle, dueAt: clock.dueAt });
    }
    if (state.status === 'open' && !state.waiting) {
      const next = nextEscalation(state.sla!, clock, state.escalation?.level);
      if (next)
        out.push({ kind: 'escalation', target, cycle, level: next.step.level, dueAt: next.dueAt });
    }
  }
  for (const promise of Object.values(state.promises))
    if (promise.status === 'open')
      out.push({ kind: 'promise', promiseId: promise.promiseId, dueAt: promise.dueAt });
  return out;
};

/** Names a deadline: the same deadline always has the same key (the scheduler's idempotency key). */
export const deadlineKey = (d: Deadline): string =>
  d.kind === 'promise'
    ? `promise:${d.promiseId}`
    : d.kind === 'escalation'
      ? `escalation:${d.target}:${d.cycle}:${d.level}`
      : `${d.kind}:${d.target}:${d.cycle}`;

/** The command that records a deadline on its case. */
export const deadlineCommand = (caseId: string, d: Deadline, at: string): SchedulerCommand => {
  switch (d.kind) {
    case 'warning':
      return { type: 'RecordSlaWarning', caseId, at, target: d.target, cycle: d.cycle };
    case 'breach':
      return { type: 'RecordSlaBreach', caseId, at, target: d.target, cycle: d.cycle };
    case 'escalation':
      return {
        type: 'EscalateForSla',
        caseId,
        at,
        target: d.target,
        cycle: d.cycle,
        level: d.level,
      };
    case 'promise':
      return { type: 'RecordPromiseBroken', caseId, at, promiseId: d.promiseId };
  }
};
