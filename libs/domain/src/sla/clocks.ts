import { ESCALATION_LEVELS, type EscalationLevel } from '../shared/vocabulary';
import { addBusinessTime, businessTimeBetween, durationMs, type SlaCalendar } from './calendar';
import type { SlaEscalationStep, SlaTarget } from './sla-policy';

export type ClockStatus = 'running' | 'paused' | 'met' | 'breached' | 'stopped';

/**
 * One cycle of one target's clock. Business time used is kept while it runs from
 * `runningSince`; a pause banks it in `consumedMs`, so a resume moves the due time on.
 */
export interface SlaClock {
  target: SlaTarget;
  /** 1 for the first; next response and a reopened resolution start new cycles. */
  cycle: number;
  status: ClockStatus;
  startedAt: string;
  /** When it falls due while running (absent while paused or once settled). */
  dueAt?: string;
  /** When its warning falls due, while running and not yet warned. */
  warnAt?: string;
  warned: boolean;
  metAt?: string;
  breachedAt?: string;
  /** Closed before it was met (the case closed unresolved). */
  stoppedAt?: string;
  consumedMs: number;
  runningSince?: string;
}

/** The policy a case is held to (the version that matched when it opened) and its clocks. */
export interface CaseSla {
  policyId: string;
  version: number;
  name: string;
  calendar: SlaCalendar;
  /** Each target's business time in ms (numbers: `resolution` alone names personal text). */
  durations: Partial<Record<SlaTarget, number>>;
  warnAt: number;
  escalation: SlaEscalationStep[];
  targets: Partial<Record<SlaTarget, SlaClock>>;
}

const iso = (ms: number) => new Date(ms).toISOString();

const targetMs = (sla: CaseSla, target: SlaTarget) => sla.durations[target] ?? 0;

/** Due and warning times of a clock that runs from `since` with `consumedMs` already used. */
const schedule = (sla: CaseSla, clock: SlaClock, since: string): SlaClock => {
  const total = targetMs(sla, clock.target);
  const start = Date.parse(since);
  const warnLeft = total * sla.warnAt - clock.consumedMs;
  return {
    ...clock,
    status: 'running',
    runningSince: since,
    dueAt: iso(addBusinessTime(sla.calendar, start, total - clock.consumedMs)),
    warnAt: clock.warned
      ? undefined
      : iso(addBusinessTime(sla.calendar, start, Math.max(0, warnLeft))),
  };
};

/** Starts a target's next cycle at `at`, paused when the case is waiting. */
export const startClock = (
  sla: CaseSla,
  target: SlaTarget,
  at: string,
  waiting: boolean,
): CaseSla => {
  if (!sla.durations[target]) return sla;
  const fresh: SlaClock = {
    target,
    cycle: (sla.targets[target]?.cycle ?? 0) + 1,
    status: 'paused',
    startedAt: at,
    warned: false,
    consumedMs: 0,
  };
  return {
    ...sla,
    targets: { ...sla.targets, [target]: waiting ? fresh : schedule(sla, fresh, at) },
  };
};

const withClock = (sla: CaseSla, clock: SlaClock): CaseSla => ({
  ...sla,
  targets: { ...sla.targets, [clock.target]: clock },
});

const eachClock = (sla: CaseSla, change: (clock: SlaClock) => SlaClock): CaseSla => ({
  ...sla,
  targets: Object.fromEntries(
    Object.entries(sla.targets).map(([name, clock]) => [name, change(clock)]),
  ),
});

const pause = (sla: CaseSla, clock: SlaClock, at: string): SlaClock =>
  clock.status !== 'running'
    ? clock
    : {
        ...clock,
        status: 'paused',
        consumedMs:
          clock.consumedMs +
          businessTimeBetween(sla.calendar, Date.parse(clock.runningSince!), Date.parse(at)),
        runningSince: undefined,
        dueAt: undefined,
        warnAt: undefined,
      };

export const pauseClocks = (sla: CaseSla, at: string): CaseSla =>
  eachClock(sla, (clock) => pause(sla, clock, at));

export const resumeClocks = (sla: CaseSla, at: string): CaseSla =>
  eachClock(sla, (clock) => (clock.status === 'paused' ? schedule(sla, clock, at) : clock));

/** Clocks still counting (running or paused) are stopped: the case closed before they were met. */
export const stopClocks = (sla: CaseSla, at: string): CaseSla =>
  eachClock(sla, (clock) =>
    clock.status === 'running' || clock.status === 'paused'
      ? {
          ...clock,
          status: 'stopped',
          stoppedAt: at,
          dueAt: undefined,
          warnAt: undefined,
          runningSince: undefined,
        }
      : clock,
  );

export const markWarned = (sla: CaseSla, target: SlaTarget): CaseSla => {
  const clock = sla.targets[target];
  return clock ? withClock(sla, { ...clock, warned: true, warnAt: undefined }) : sla;
};

export const markMet = (sla: CaseSla, target: SlaTarget, at: string): CaseSla => {
  const clock = sla.targets[target];
  return clock
    ? withClock(sla, {
        ...clock,
        status: 'met',
        metAt: at,
        warnAt: undefined,
        runningSince: undefined,
      })
    : sla;
};

export const markBreached = (sla: CaseSla, target: SlaTarget, at: string): CaseSla => {
  const clock = sla.targets[target];
  return clock
    ? withClock(sla, {
        ...clock,
        status: 'breached',
        breachedAt: at,
        warnAt: undefined,
        runningSince: undefined,
      })
    : sla;
};

/** A clock that is counting: one an answer or a resolution settles. */
export const isCounting = (clock: SlaClock | undefined): clock is SlaClock =>
  clock?.status === 'running' || clock?.status === 'paused';

/** How a counting clock settles at `at`: met, or breached at its due time if that passed first. */
export const settlement = (
  clock: SlaClock,
  at: string,
): { outcome: 'met' | 'breached'; at: string } =>
  clock.status === 'running' &&
  clock.dueAt !== undefined &&
  Date.parse(clock.dueAt) < Date.parse(at)
    ? { outcome: 'breached', at: clock.dueAt }
    : { outcome: 'met', at };

/** The escalation step a breached clock is due next, past the case's current level. */
export const nextEscalation = (
  sla: CaseSla,
  clock: SlaClock,
  current: EscalationLevel | undefined,
): { step: SlaEscalationStep; dueAt: string } | undefined => {
  if (clock.status !== 'breached' || !clock.breachedAt) return undefined;
  const floor = current ? ESCALATION_LEVELS.indexOf(current) : -1;
  const step = sla.escalation.find((s) => ESCALATION_LEVELS.indexOf(s.level) > floor);
  if (!step) return undefined;
  return {
    step,
    dueAt: iso(Date.parse(clock.breachedAt) + (durationMs(step.after) ?? 0)),
  };
};
